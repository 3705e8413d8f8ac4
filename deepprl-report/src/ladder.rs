//! The oracle ladder's rows at one λ, for the report's ladder table
//! ([`markdown`](crate::markdown)) and plot ([`plots`](crate::plots)): the rows grouped by the
//! predictor whose scores rank ([`groups`]: the truth's `ladder:<level>` rows, then each
//! predictor's `P+ladder:<level>` rows, then the methods), and per row the mean λ-return over
//! seeds with its 95 % interval ([`lambda_return`]).
//!
//! ```
//! use deepprl_report::ladder::{Group, groups};
//! let names = ["moh+dcrl", "ladder:best_static", "moh+ladder:random", "ladder:random"];
//! assert_eq!(
//!     groups(&names),
//!     [
//!         Group { ranking: Some("truth"), rows: vec!["ladder:best_static", "ladder:random"] },
//!         Group { ranking: Some("moh"), rows: vec!["moh+ladder:random"] },
//!         Group { ranking: None, rows: vec!["moh+dcrl"] },
//!     ]
//! );
//! ```

use crate::RunRecord;
use crate::estimate::Estimate;
use crate::reference::{TRUTH, first_per_seed, is_reference, predictor_of};
use crate::utility;

/// Rows of one ranking: the truth's ladder, one predictor's ladder, or the methods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group<'a> {
    /// The predictor whose scores rank the group's reference rows ([`TRUTH`] for the
    /// `ladder:*` rows); `None` for the group of methods.
    pub ranking: Option<&'a str>,
    /// The rows, in the given order.
    pub rows: Vec<&'a str>,
}

impl Group<'_> {
    /// How the report names the group, e.g. "ladder (true ranking)", "moh+ladder:*",
    /// "methods".
    pub fn label(&self) -> String {
        match self.ranking {
            Some(TRUTH) => "ladder:* (true ranking)".to_string(),
            Some(p) => format!("{p}+ladder:*"),
            None => "methods".to_string(),
        }
    }
}

/// `methods` (distinct names) grouped: the truth's reference rows, then each predictor's in
/// order of its first row, then the methods; groups without rows are left out.
pub fn groups<'a>(methods: &[&'a str]) -> Vec<Group<'a>> {
    let mut out: Vec<Group<'a>> = vec![Group { ranking: Some(TRUTH), rows: Vec::new() }];
    let mut plain: Vec<&'a str> = Vec::new();
    for &m in methods {
        let ranking = predictor_of(m).filter(|_| is_reference(m));
        let Some(ranking) = ranking else {
            plain.push(m);
            continue;
        };
        match out.iter_mut().find(|g| g.ranking == Some(ranking)) {
            Some(g) => g.rows.push(m),
            None => out.push(Group { ranking: Some(ranking), rows: vec![m] }),
        }
    }
    out.push(Group { ranking: None, rows: plain });
    out.retain(|g| !g.rows.is_empty());
    out
}

/// `method`'s λ-return at `lambda` on `dataset` ([`utility::lambda_return`]), per seed (the
/// first record of a seed), then the mean and 95 % Student-t interval over the seeds that have
/// one; `None` for no seed.
pub fn lambda_return(
    records: &[RunRecord],
    dataset: &str,
    method: &str,
    lambda: &[f64],
) -> Option<Estimate> {
    let values: Vec<f64> = first_per_seed(records, dataset, method)
        .filter_map(|r| utility::lambda_return(&r.points, lambda))
        .collect();
    Estimate::from_values(&values)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{point, record};

    fn run(method: &str, seed: u64, x: f64) -> RunRecord {
        record("w", method, seed, vec![point(&[0.5, 0.5], &[x, 3.0 * x])])
    }

    #[test]
    fn the_lambda_return_is_a_mean_over_seeds_with_its_interval() {
        // λ = (½, ½): ½ x + ½ · 3x = 2x, so 2, 4, 6 over the seeds (a second record of seed 0
        // does not count): mean 4, s = 2, half-width t(0.975, 2) · 2 / √3 = 4.303 · 1.1547.
        let records = [run("a", 0, 1.0), run("a", 1, 2.0), run("a", 2, 3.0), run("a", 0, 50.0)];
        let e = lambda_return(&records, "w", "a", &[0.5, 0.5]).unwrap();
        assert!((e.mean - 4.0).abs() < 1e-12 && e.n == 3, "{e:?}");
        assert!((e.ci95.unwrap() - 4.303 * 2.0 / 3f64.sqrt()).abs() < 1e-9, "{e:?}");
        assert_eq!(lambda_return(&records, "w", "a", &[1.0, 0.0]), None, "no point at (1, 0)");
        assert_eq!(lambda_return(&records, "w", "b", &[0.5, 0.5]), None);
    }

    #[test]
    fn groups_keep_the_order_within_and_put_the_truth_first() {
        let names = ["sb+grid", "sb+ladder:random", "moh+ladder:best_static", "ladder:random"];
        let g = groups(&names);
        let labels: Vec<String> = g.iter().map(Group::label).collect();
        assert_eq!(labels, ["ladder:* (true ranking)", "sb+ladder:*", "moh+ladder:*", "methods"]);
        assert_eq!(g[3].rows, ["sb+grid"]);
        assert!(groups(&["moh+dcrl"]).iter().all(|g| g.ranking.is_none()));
        assert!(groups(&[]).is_empty());
    }
}
