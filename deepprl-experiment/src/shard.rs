//! Shards: disjoint parts of an experiment's grid, for processes run at once on one machine or
//! as a scheduler's array job (`deepprl compare FILE --shard i/n`, or Slurm's array variables).
//!
//! A shard owns whole groups: a group is one dataset and one seed of the experiment file — every
//! predictor trained on it, every policy run on them and the oracle ladder of that world seed.
//! (The issue asked for (dataset, seed, predictor) groups; a DCRL run of any predictor reads the
//! state of the MoH of its dataset and seed, and the ladder ranks through every predictor of its
//! seed, so a finer group would make one shard wait for another's predictor.) Group `g` — the
//! `s`-th seed of the `d`-th dataset, `g = d · n_seeds + s` — belongs to shard `g mod n`: a
//! function of the experiment file alone, so every shard computes the same assignment without
//! talking to the others, and consecutive seeds of one dataset go to different shards.
//!
//! ```
//! use deepprl_experiment::shard::Shard;
//! let shard = Shard::parse("1/3").unwrap();
//! assert_eq!((shard.index, shard.count), (1, 3));
//! assert!(shard.owns(1) && shard.owns(4) && !shard.owns(0));
//! assert!(Shard::parse("3/3").is_err());
//! ```

use crate::{Error, Result};
use std::fmt;

/// The environment variables of a Slurm array job: `i = ID − MIN`, `n = COUNT`.
pub const SLURM_VARS: [&str; 3] =
    ["SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_COUNT"];

/// Shard `index` of `count` (counted from 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// Which shard, `0..count`.
    pub index: usize,
    /// How many shards the grid is cut into, at least 1.
    pub count: usize,
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// Parses `i/n` (`0 ≤ i < n`).
    ///
    /// # Errors
    /// [`Error::Usage`] naming the value and what it must be.
    pub fn parse(text: &str) -> Result<Shard> {
        let bad = |why: &str| Error::Usage(format!("--shard `{text}`: {why}"));
        let (i, n) = text.split_once('/').ok_or_else(|| bad("want i/n, e.g. 0/4"))?;
        let number = |s: &str, what: &str| {
            s.trim().parse::<usize>().map_err(|_| bad(&format!("{what} is not a whole number")))
        };
        let (index, count) = (number(i, "i")?, number(n, "n")?);
        Shard::new(index, count).map_err(|why| bad(&why))
    }

    /// The shard of a Slurm array task, from `var` (the process's environment, in use):
    /// `None` when none of [`SLURM_VARS`] is set.
    ///
    /// # Errors
    /// [`Error::Usage`] when some but not all are set, one is not a whole number, or the task
    /// is outside `MIN .. MIN + COUNT`.
    pub fn from_slurm(var: impl Fn(&str) -> Option<String>) -> Result<Option<Shard>> {
        let values: Vec<Option<String>> = SLURM_VARS.iter().map(|v| var(v)).collect();
        if values.iter().all(Option::is_none) {
            return Ok(None);
        }
        let mut numbers = [0usize; 3];
        for ((name, value), slot) in SLURM_VARS.iter().zip(&values).zip(&mut numbers) {
            let value = value.as_deref().ok_or_else(|| {
                Error::Usage(format!(
                    "{name} is not set, but other Slurm array variables are ({} are needed)",
                    SLURM_VARS.join(", ")
                ))
            })?;
            *slot = value
                .trim()
                .parse()
                .map_err(|_| Error::Usage(format!("{name} = `{value}` is not a whole number")))?;
        }
        let [id, min, count] = numbers;
        let index = id.checked_sub(min).ok_or_else(|| {
            Error::Usage(format!(
                "SLURM_ARRAY_TASK_ID = {id} is below SLURM_ARRAY_TASK_MIN = {min}"
            ))
        })?;
        Shard::new(index, count).map(Some).map_err(|why| {
            Error::Usage(format!("the Slurm array task (ID {id}, MIN {min}, COUNT {count}): {why}"))
        })
    }

    fn new(index: usize, count: usize) -> std::result::Result<Shard, String> {
        if count == 0 {
            Err("n must be at least 1".into())
        } else if index >= count {
            Err(format!("i must be below n = {count} (shards are counted from 0)"))
        } else {
            Ok(Shard { index, count })
        }
    }

    /// Whether group `group` (see [`group`]) is this shard's.
    pub fn owns(&self, group: usize) -> bool {
        group % self.count == self.index
    }
}

/// The group of the `seed_index`-th of `n_seeds` seeds of the `dataset`-th dataset.
pub fn group(dataset: usize, seed_index: usize, n_seeds: usize) -> usize {
    dataset * n_seeds + seed_index
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn shards_partition_the_groups() {
        for count in 1..6 {
            let shards: Vec<Shard> = (0..count).map(|i| Shard::new(i, count).unwrap()).collect();
            for g in 0..40 {
                assert_eq!(shards.iter().filter(|s| s.owns(g)).count(), 1, "group {g} of {count}");
            }
        }
        // Two datasets of five seeds on two shards: 5 groups each, seeds alternating.
        let owned: Vec<usize> = (0..2)
            .flat_map(|d| (0..5).map(move |s| group(d, s, 5)))
            .filter(|&g| Shard::parse("0/2").unwrap().owns(g))
            .collect();
        assert_eq!(owned, vec![0, 2, 4, 6, 8]);
    }

    #[test]
    fn bad_shards_are_errors_naming_the_value() {
        for (text, says) in [
            ("2", "want i/n"),
            ("a/2", "i is not a whole number"),
            ("0/x", "n is not a whole number"),
            ("0/0", "at least 1"),
            ("2/2", "below n = 2"),
            ("-1/2", "not a whole number"),
        ] {
            let err = Shard::parse(text).unwrap_err().to_string();
            assert!(err.contains(text) && err.contains(says), "{text}: {err}");
        }
    }

    #[test]
    fn slurm_variables_give_the_same_shards_as_the_flag() {
        let env = |id: &str, min: &str, count: &str| {
            let map: HashMap<&str, String> =
                SLURM_VARS.into_iter().zip([id, min, count].map(String::from)).collect();
            move |k: &str| map.get(k).cloned()
        };
        for (id, min, count, flag) in [("0", "0", "2", "0/2"), ("5", "4", "3", "1/3")] {
            let from_env = Shard::from_slurm(env(id, min, count)).unwrap();
            assert_eq!(from_env, Some(Shard::parse(flag).unwrap()));
        }
        assert_eq!(Shard::from_slurm(|_| None).unwrap(), None);
        let partial = |k: &str| (k == SLURM_VARS[0]).then(|| "1".to_string());
        let err = Shard::from_slurm(partial).unwrap_err().to_string();
        assert!(err.contains("SLURM_ARRAY_TASK_MIN is not set"), "{err}");
        let err = Shard::from_slurm(env("1", "2", "3")).unwrap_err().to_string();
        assert!(err.contains("below SLURM_ARRAY_TASK_MIN"), "{err}");
        let err = Shard::from_slurm(env("7", "4", "3")).unwrap_err().to_string();
        assert!(err.contains("below n = 3"), "{err}");
        let err = Shard::from_slurm(env("x", "0", "3")).unwrap_err().to_string();
        assert!(err.contains("SLURM_ARRAY_TASK_ID = `x`"), "{err}");
    }
}
