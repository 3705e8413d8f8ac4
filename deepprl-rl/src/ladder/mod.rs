//! The oracle ladder (docs/DESIGN.md §3.5): the best λ-return achievable in the testbed world
//! with growing information, on the world's true scorer.
//!
//! Levels ([`Level`]): `lambda` (`w = λ`), `best_static`, `per_hour` (6 buckets of 4 hours),
//! `per_segment_hour`, `per_user_hour` and `full_information` (`w ∝ w_{u,b} + α_j p_u(h)`, with
//! α per satisfaction bucket `j`: it knows the exact taste and the hidden satisfaction). Each
//! level starts from the level below's solution ([`Rule::lift`]) and moves only when that
//! improves the λ-return over the **selection episodes** (the same users, other keys)
//! significantly (the paired difference's 95 % interval above 0), so on them it can only
//! tie or improve; `best_static` first takes the best point of the simplex grid (or λ itself),
//! then ascends ([`search`]). A contextual level takes the taste-directed move (every cell
//! towards its mean true taste by one α for all cells, [`search::Selection::ascend_taste`]),
//! and `full_information` tries the best static
//! weights shifted towards the exact taste before stepping α per satisfaction bucket
//! (docs/DESIGN.md §3.5 says why). Every level is then scored on separate
//! **evaluation episodes** with common random numbers, so differences between levels are
//! paired.
//!
//! Returns use the expected reward of each slate given the state (the conditional expectation
//! of the realised reward: the same expected return with less variance, see
//! [`deepprl_data::world::EpisodeStep::expected_reward`]), discounted by the world's
//! `gamma_eval` per step.
//!
//! ```
//! use deepprl_data::world::{World, WorldConfig};
//! use deepprl_rl::ladder::{LadderConfig, Level, ladder};
//! let mut cfg = WorldConfig::small();
//! cfg.n_users = 8;
//! let world = World::new(&cfg)?;
//! let lc = LadderConfig { selection_per_user: 1, evaluation_episodes: 16, ..LadderConfig::default() };
//! let report = ladder(&world, [1.0 / 3.0; 3], &lc, &mut |_| {});
//! assert_eq!(report.levels.len(), Level::ALL.len());
//! let sel: Vec<f64> = report.levels.iter().map(|l| l.selection_return).collect();
//! assert!(sel.windows(2).all(|w| w[1] >= w[0]), "{sel:?}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod rule;
pub mod search;
mod simulate;
#[cfg(test)]
mod tests;

pub use rule::{
    ALPHAS, HOUR_BUCKETS, Level, Rule, SATISFACTION_BUCKETS, SATISFACTION_EDGES, hour_bucket,
    satisfaction_bucket,
};
pub use simulate::{
    Record, keys_cycling, keys_per_user, random_rule, run, run_all, run_random, run_random_all,
};

use deepprl_core::simplex;
use deepprl_data::world::{K, World};
use deepprl_models::metrics::mean_ci95;
use search::Selection;
use serde::Serialize;

/// Settings of a ladder.
#[derive(Debug, Clone, PartialEq)]
pub struct LadderConfig {
    /// Divisions of the simplex grid (the `grid` policy's `grid_divisions`); the search moves
    /// by `1 / grid_divisions`. Default 4.
    pub grid_divisions: usize,
    /// Selection episodes per user. Default 4.
    pub selection_per_user: usize,
    /// Evaluation episodes, cycling through the users. Default 2000.
    pub evaluation_episodes: usize,
    /// Seed of the episodes' keys (selection and evaluation derive theirs from it). Default 0.
    pub seed: u64,
    /// Sweeps of each search (coordinate ascent, taste move, α) at most. Default 1: a second
    /// sweep moved the evaluation λ-return by less than its CI (world seed 0, uniform λ).
    pub sweeps: usize,
}

impl Default for LadderConfig {
    fn default() -> Self {
        Self {
            grid_divisions: 4,
            selection_per_user: 4,
            evaluation_episodes: 2000,
            seed: 0,
            sweeps: 1,
        }
    }
}

impl LadderConfig {
    /// The seed of the selection episodes.
    pub fn selection_seed(&self) -> u64 {
        self.seed.wrapping_mul(2).wrapping_add(0x005E_1EC7)
    }

    /// The seed of the evaluation episodes.
    pub fn evaluation_seed(&self) -> u64 {
        self.seed.wrapping_mul(2).wrapping_add(0xE7A1)
    }

    /// The evaluation episodes' keys in `world`.
    pub fn evaluation_keys(&self, world: &World) -> Vec<deepprl_data::world::EpisodeKey> {
        keys_cycling(world, self.evaluation_seed(), self.evaluation_episodes.max(2))
    }
}

/// A mean with the half-width of its 95 % Student-t interval (0 with fewer than two values).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MeanCi {
    /// The mean.
    pub mean: f64,
    /// The half-width.
    pub ci: f64,
}

impl MeanCi {
    /// Of `values`.
    pub fn of(values: &[f64]) -> Self {
        let (mean, ci) = mean_ci95(values).unwrap_or((f64::NAN, None));
        MeanCi { mean, ci: ci.unwrap_or(0.0) }
    }
}

/// One level's result at one λ.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LevelReport {
    /// The level.
    pub level: Level,
    /// The discounted λ-return per evaluation episode.
    pub ret: MeanCi,
    /// The discounted return per objective.
    pub objectives: [MeanCi; K],
    /// Steps per session.
    pub session_length: MeanCi,
    /// Fraction of the days after the first with a session.
    pub return_rate: MeanCi,
    /// The paired difference to `best_static` on the evaluation episodes.
    pub diff_to_best_static: MeanCi,
    /// The mean λ-return on the selection episodes.
    pub selection_return: f64,
    /// Selection − evaluation mean λ-return (the winner's curse).
    pub selection_gap: f64,
    /// The level's rule.
    #[serde(skip)]
    pub rule: Rule,
    /// Each evaluation episode's outcome, in key order.
    #[serde(skip)]
    pub records: Vec<Record>,
}

/// The ladder at one λ.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LadderReport {
    /// The business preference.
    pub lambda: [f64; K],
    /// Every level, lowest first.
    pub levels: Vec<LevelReport>,
    /// `full_information − best_static`, paired, in λ-return units.
    pub headroom: MeanCi,
}

impl LadderReport {
    /// The report of `level`.
    ///
    /// # Panics
    /// Never for a report made by [`ladder`], which holds every level.
    pub fn level(&self, level: Level) -> &LevelReport {
        self.levels.iter().find(|l| l.level == level).expect("every level is reported")
    }
}

fn mean(records: &[Record], lambda: &[f64; K]) -> f64 {
    records.iter().map(|r| r.value(lambda)).sum::<f64>() / records.len().max(1) as f64
}

/// Searches every level at `lambda` (normalised) on selection episodes and scores them on
/// evaluation episodes ([`LadderConfig::evaluation_keys`]); `progress` receives one line per
/// level.
pub fn ladder(
    world: &World,
    lambda: [f64; K],
    cfg: &LadderConfig,
    progress: &mut dyn FnMut(&str),
) -> LadderReport {
    ladder_on(world, lambda, cfg, &cfg.evaluation_keys(world), progress)
}

/// [`ladder`] scored on the evaluation episodes `eval_keys` (at least 2) instead of the
/// config's: e.g. those of an experiment's methods ([`crate::env::Simulator::evaluation_keys`]),
/// so that the levels pair with the methods' evaluations.
pub fn ladder_on(
    world: &World,
    lambda: [f64; K],
    cfg: &LadderConfig,
    eval_keys: &[deepprl_data::world::EpisodeKey],
    progress: &mut dyn FnMut(&str),
) -> LadderReport {
    let total: f64 = lambda.iter().sum();
    let lambda = lambda.map(|l| l / total);
    let sel_keys = keys_per_user(world, cfg.selection_seed(), cfg.selection_per_user.max(1));
    let search = Selection {
        world,
        lambda,
        step: 1.0 / cfg.grid_divisions.max(1) as f64,
        sweeps: cfg.sweeps.max(1),
    };
    let mut rules: Vec<(Rule, f64)> = Vec::new();
    let mut rule = Rule::lambda(lambda);
    let mut records = run_all(world, &rule, &sel_keys);
    rules.push((rule.clone(), mean(&records, &lambda)));
    for &level in &Level::ALL[1..] {
        rule = rule.lift(level, world);
        // The best static weights in every cell of this level (after best_static is found).
        let anchor = rules.get(1).map_or_else(|| rule.clone(), |(r, _)| r.lift(level, world));
        match level {
            Level::BestStatic => {
                best_on_grid(world, &mut rule, &mut records, &sel_keys, &lambda, cfg);
                search.ascend(&mut rule, &[0], &sel_keys, &mut records);
            }
            // No coordinate ascent over single cells here (world seed 0, every λ of the default
            // grid): over hour and segment × hour cells it accepted no move after the taste move
            // (at a third of the ladder's time); over user × hour cells, each reached by a few
            // selection episodes, the moves it accepted lost 0.2–0.6 on evaluation episodes
            // against the taste move alone.
            Level::PerHour | Level::PerSegmentHour | Level::PerUserHour => {
                search.ascend_taste(&mut rule, &anchor, &sel_keys, &mut records);
            }
            Level::FullInformation => {
                search.jump_alpha(&mut rule, &anchor, &sel_keys, &mut records);
                search.ascend_alpha(&mut rule, &sel_keys, &mut records);
            }
            Level::Lambda => unreachable!("the ladder starts at lambda"),
        }
        let sel = mean(&records, &lambda);
        progress(&format!("{}: selection λ-return {sel:.3}", level.name()));
        rules.push((rule.clone(), sel));
    }
    // A level that moved nothing acts as the level below: reuse its evaluation.
    let mut evals: Vec<Vec<Record>> = Vec::with_capacity(rules.len());
    for (i, (r, _)) in rules.iter().enumerate() {
        let same = i > 0 && rules[i - 1].0.lift(r.level, world) == *r;
        let recs = if same { evals[i - 1].clone() } else { run_all(world, r, eval_keys) };
        evals.push(recs);
    }
    let best_static: Vec<f64> = evals[1].iter().map(|r| r.value(&lambda)).collect();
    let days = world.config().episode_days;
    let levels: Vec<LevelReport> = rules
        .into_iter()
        .zip(&evals)
        .map(|((rule, selection_return), recs)| {
            let values: Vec<f64> = recs.iter().map(|r| r.value(&lambda)).collect();
            let diff: Vec<f64> = values.iter().zip(&best_static).map(|(a, b)| a - b).collect();
            let ret = MeanCi::of(&values);
            let of =
                |f: &dyn Fn(&Record) -> f64| MeanCi::of(&recs.iter().map(f).collect::<Vec<_>>());
            LevelReport {
                level: rule.level,
                ret,
                objectives: std::array::from_fn(|k| of(&|r| r.discounted[k])),
                session_length: of(&|r| r.steps as f64 / r.sessions as f64),
                return_rate: of(&|r| {
                    if days > 1 { (r.sessions - 1) as f64 / (days - 1) as f64 } else { 0.0 }
                }),
                diff_to_best_static: MeanCi::of(&diff),
                selection_return,
                selection_gap: selection_return - ret.mean,
                rule,
                records: recs.clone(),
            }
        })
        .collect();
    let headroom = levels[Level::ALL.len() - 1].diff_to_best_static;
    LadderReport { lambda, levels, headroom }
}

/// A point of the world's true long-term Pareto front: the full-information level's
/// per-objective discounted returns at one λ, on evaluation episodes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FrontPoint {
    /// The business preference.
    pub lambda: [f64; K],
    /// Per-objective discounted returns (mean and CI).
    pub value: [MeanCi; K],
}

/// The true front from ladders (one per λ): each one's full-information point.
pub fn front_of(reports: &[LadderReport]) -> Vec<FrontPoint> {
    reports
        .iter()
        .map(|r| FrontPoint { lambda: r.lambda, value: r.level(Level::FullInformation).objectives })
        .collect()
}

/// The λ sweep of the true front for K objectives: the simplex grid of 5 divisions (21
/// points for K = 3).
pub fn front_lambdas() -> Vec<[f64; K]> {
    simplex::grid(K, 5).into_iter().map(|w| [w[0], w[1], w[2]]).collect()
}

/// The paired difference `a − b` of two rules' λ-returns over the episodes of `keys`.
pub fn paired(
    world: &World,
    a: &Rule,
    b: &Rule,
    keys: &[deepprl_data::world::EpisodeKey],
    lambda: &[f64; K],
) -> MeanCi {
    let (ra, rb) = (run_all(world, a, keys), run_all(world, b, keys));
    let d: Vec<f64> = ra.iter().zip(&rb).map(|(x, y)| x.value(lambda) - y.value(lambda)).collect();
    MeanCi::of(&d)
}

/// `best_static`'s start: the grid point with the largest significant improvement over λ on
/// the selection episodes (λ itself when none), screened as in [`search`] (the
/// [`search::SCREENED`] best on every fourth episode run on all of them).
fn best_on_grid(
    world: &World,
    rule: &mut Rule,
    records: &mut Vec<Record>,
    keys: &[deepprl_data::world::EpisodeKey],
    lambda: &[f64; K],
    cfg: &LadderConfig,
) {
    let start = records.clone();
    let screen: Vec<_> = keys.iter().step_by(4).copied().collect();
    let mut points: Vec<(f64, Rule)> = simplex::grid(K, cfg.grid_divisions.max(1))
        .into_iter()
        .map(|w| {
            let trial = Rule { cells: vec![[w[0], w[1], w[2]]], ..rule.clone() };
            (mean(&run_all(world, &trial, &screen), lambda), trial)
        })
        .collect();
    // Best screened mean first; ties keep the grid's order.
    points.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut best = 0.0;
    for (_, trial) in points.into_iter().take(search::SCREENED) {
        let recs = run_all(world, &trial, keys);
        let (ok, gain) = search::significant(&start, &recs, lambda);
        if ok && gain > best {
            best = gain;
            *rule = trial;
            *records = recs;
        }
    }
}
