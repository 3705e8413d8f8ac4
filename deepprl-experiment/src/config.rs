//! Experiment configs (TOML): datasets × methods × seeds, with defaults for everything else,
//! so three lines are a complete experiment:
//!
//! ```toml
//! datasets = ["world"]
//! methods = ["moh+dcrl", "mmoe+grid", "sb+static"]
//! seeds = 5
//! ```
//!
//! `datasets` entries are `world` (the embedded synthetic world, configured by `[world]`),
//! `world.<key>=<value>[,<key>=<value>…]` (that world with some of its keys overridden, e.g.
//! `world.heterogeneity=0`, the sanity world where one static weighting is nearly optimal), or
//! a dataset config path, relative to the experiment file, absolute, or under the data root.
//! Every key is documented in `docs/EXPERIMENTS.md`.

use crate::method::Method;
use crate::{Error, Result};
use deepprl_core::bounds;
use deepprl_data::world::WorldConfig;
use deepprl_models::moh::MohConfig;
use deepprl_models::train::TrainConfig;
use deepprl_rl::dcrl::DcrlConfig;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// DeepPRL against the baselines, every predictor with every policy (issue #14, point 5): MoH,
/// Shared-Bottom and MMOE, each with DCRL, MORL (a non-contextual, non-personalised RL
/// policy), the best static weights (`grid`; the primary comparison is `moh+dcrl − moh+grid`)
/// and `w = λ` (`static`), so a policy's gain and a predictor's gain are told apart.
pub const COMPARISON: &[&str] = &[
    "moh+dcrl",
    "moh+morl",
    "moh+grid",
    "moh+static",
    "sb+dcrl",
    "sb+morl",
    "sb+grid",
    "sb+static",
    "mmoe+dcrl",
    "mmoe+morl",
    "mmoe+grid",
    "mmoe+static",
];

/// The sanity world of the default suite: the testbed at `heterogeneity = 0`, where every
/// user's taste is uniform and one static weighting is (nearly) optimal, so a contextual
/// policy that beats the best static there does so through satisfaction or the horizon.
pub const SANITY_WORLD: &str = "world.heterogeneity=0";

/// What the default suite runs on [`SANITY_WORLD`] besides the ladder: DeepPRL, the best
/// static and `w = λ` with the MoH, the comparison the sanity world exists for.
pub const SANITY: &[&str] = &["moh+dcrl", "moh+grid", "moh+static"];

/// The default `highlight`: DeepPRL.
pub const DEFAULT_HIGHLIGHT: &str = "moh+dcrl";

/// The most seeds an experiment may run (each is a world, a log and every run again).
pub const MAX_SEEDS: usize = 1000;

/// Seeds: a count (`5` means 0, 1, 2, 3, 4) or an explicit list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Seeds {
    /// Seeds `0..n`.
    Count(u64),
    /// These seeds.
    List(Vec<u64>),
}

impl Seeds {
    /// The seeds.
    pub fn list(&self) -> Vec<u64> {
        match self {
            Seeds::Count(n) => (0..*n).collect(),
            Seeds::List(l) => l.clone(),
        }
    }
}

/// Settings of the policy stage (docs/DESIGN.md §3.4, stage B).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RlSettings {
    /// Training transitions (steps) of a learning policy per λ (default 25 000): a per-λ
    /// policy (MORL, `dcrl-perlambda`) trains until it has collected this many for each λ, a
    /// conditioned DCRL agent this many times the number of λ's (100 000 for the default
    /// grid), once; training ends with the round of `envs` episodes that reaches it. 0 for no
    /// transition budget (then `episodes` ends training).
    pub transitions: usize,
    /// Training episodes of a learning policy per λ at most, counted like `transitions`
    /// (default 0: no limit, the transition budget alone ends training).
    pub episodes: usize,
    /// Training episodes that advance together (vectorised rollouts, default 64): one batched
    /// predictor call, one batched encoder step and one batched policy call per step for all
    /// of them.
    pub envs: usize,
    /// Updates of a learning policy per step of all `envs` episodes (default 16: with 64
    /// episodes a quarter of an update per transition, each of `[dcrl] batch_size`
    /// transitions); a step on which fewer episodes still run earns proportionally fewer.
    pub updates_per_step: usize,
    /// Greedy evaluation episodes in the simulator, the same for every method (default 300).
    pub eval_episodes: usize,
    /// Validation episodes per grid point when the grid policy picks its weights (default 100).
    pub grid_episodes: usize,
    /// Divisions of the simplex grid of the grid policy (default 10: 66 points for 3
    /// objectives, plus each λ of the experiment that is not on it, such as ⅓).
    pub grid_divisions: usize,
    /// Simulator selection episodes of the `grid-segment-hour` table search, shared by its
    /// cells (default 200; a cell sees about the episodes of its segment that reach its hour
    /// bucket). On logged data the table is searched on every validation episode.
    pub segment_hour_episodes: usize,
    /// Items shown per logged request: the re-ranked top N whose realised outcomes are the
    /// reward and the method's point (default 3: KuaiRand requests hold about 5–10 impressions,
    /// and a top N that holds them all would make every ranking score alike).
    pub top_n: usize,
    /// The K of the reported NDCG@K per objective (default 10).
    pub ndcg_k: usize,
    /// The business preferences λ of the expected-utility grid; a conditioned DCRL agent is
    /// trained once on all of them (its `lambda_grid`), a per-λ learning policy once per λ, and
    /// each method gives one point per λ. Empty means the default: uniform plus one λ leaning
    /// (0.6) towards each objective.
    pub lambda_grid: Vec<Vec<f64>>,
    /// Preferences outside `lambda_grid` at which the conditioned DCRL agents and `grid` are
    /// also evaluated (metrics `held_out.lambda<j>`: λ · point), though no policy trained or
    /// was selected for them (default empty). Per-λ policies are not evaluated there.
    pub held_out_lambdas: Vec<Vec<f64>>,
    /// Also evaluate, for a conditioned DCRL agent, the matched-average static policy: at each
    /// λ of the grid, the agent's mean weights over the selection episodes or requests applied
    /// to everyone (metrics `matched_static.lambda<j>`: λ · point, and its point); the
    /// highlighted method's become the report's `<predictor>+matched` rows
    /// ([`crate::matched`]). Default true.
    pub matched_static: bool,
    /// Snapshots of a conditioned DCRL agent's training to select from: with n ≥ 2 the agent
    /// is kept at n evenly spaced points of its transition budget, the untrained agent (the
    /// nested `w = λ`) first and the final agent last, and at each λ the snapshot with the
    /// best λ-score on the selection episodes or requests (the grid's, never the evaluation
    /// ones) is evaluated (metrics `snapshot.lambda<j>`: the chosen snapshot's fraction of the
    /// budget); 0 or 1 evaluate the final agent (default 0).
    pub snapshots: usize,
    /// In the simulator, also run the oracle ladder once per world seed on the methods'
    /// evaluation episodes: its levels and the uniform-random-weights policy become the
    /// report's reference rows `ladder:<level>` and `ladder:random` (the hypervolume's
    /// reference point, the true front, the headroom of the paired differences; default true).
    pub ladder: bool,
    /// Logged re-ranking runs over the requests with at least this many candidates only
    /// (default 10): with `top_n` 3, a request of 3 candidates shows them all whatever the
    /// weights, so it cannot tell policies apart.
    pub min_candidates: usize,
    /// The fewest such requests in a logged dataset's test slice for its runs to go ahead
    /// (default 100); with fewer, the report says how many qualified and no run is made there.
    pub min_requests: usize,
}

impl Default for RlSettings {
    fn default() -> Self {
        Self {
            transitions: 25_000,
            episodes: 0,
            envs: 64,
            updates_per_step: 16,
            eval_episodes: 300,
            grid_episodes: 100,
            grid_divisions: 10,
            segment_hour_episodes: 200,
            top_n: 3,
            ndcg_k: 10,
            lambda_grid: Vec::new(),
            held_out_lambdas: Vec::new(),
            matched_static: true,
            snapshots: 0,
            ladder: true,
            min_candidates: 10,
            min_requests: 100,
        }
    }
}

impl RlSettings {
    /// Checks every key's range (documented in `docs/EXPERIMENTS.md`): counts that size
    /// allocations or loops have upper bounds, and a learning policy needs a budget.
    ///
    /// # Errors
    /// [`Error::Usage`] naming the key `rl.<key>` and its range.
    pub fn validate(&self) -> Result<()> {
        const M: usize = 1_000_000;
        for (key, v, lo, hi) in [
            ("transitions", self.transitions, 0, 1000 * M),
            ("episodes", self.episodes, 0, 100 * M),
            ("envs", self.envs, 1, 4096),
            ("updates_per_step", self.updates_per_step, 1, 4096),
            ("eval_episodes", self.eval_episodes, 1, M),
            ("grid_episodes", self.grid_episodes, 1, M),
            ("grid_divisions", self.grid_divisions, 1, 100),
            ("segment_hour_episodes", self.segment_hour_episodes, 1, M),
            ("top_n", self.top_n, 1, 1000),
            ("ndcg_k", self.ndcg_k, 1, 1000),
            ("snapshots", self.snapshots, 0, 1000),
            ("min_candidates", self.min_candidates, 1, M),
            ("min_requests", self.min_requests, 0, 1000 * M),
        ] {
            bounds::count(v, lo, hi).map_err(|r| Error::Usage(format!("key `rl.{key}`: {r}")))?;
        }
        if self.transitions == 0 && self.episodes == 0 {
            return Err(Error::Usage(
                "key `rl.transitions`: and `rl.episodes` are both 0: training needs a budget"
                    .into(),
            ));
        }
        for (key, list) in
            [("lambda_grid", &self.lambda_grid), ("held_out_lambdas", &self.held_out_lambdas)]
        {
            let bad = |why: String| Err(Error::Usage(format!("key `rl.{key}`: {why}")));
            if list.len() > 1000 {
                return bad(format!("has {} preferences, at most 1000", list.len()));
            }
            for l in list {
                let preference = !l.is_empty()
                    && l.len() <= 1000
                    && l.iter().all(|v| v.is_finite() && *v >= 0.0)
                    && l.iter().sum::<f64>() > 0.0;
                if !preference {
                    return bad(format!("{l:?} is not a preference (>= 0, not all 0)"));
                }
            }
        }
        Ok(())
    }

    /// The λ grid for `k` objectives: uniform first, then one leaning towards each objective.
    pub fn lambdas(&self, k: usize) -> Vec<Vec<f64>> {
        if !self.lambda_grid.is_empty() {
            return self.lambda_grid.clone();
        }
        let mut out = vec![vec![1.0 / k as f64; k]];
        if k > 1 {
            for j in 0..k {
                let rest = 0.4 / (k - 1) as f64;
                out.push((0..k).map(|i| if i == j { 0.6 } else { rest }).collect());
            }
        }
        out
    }
}

/// Configs of the plugin baselines, passed to them as TOML tables (their own keys).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PluginSettings {
    /// `[plugins.sb]`: Shared-Bottom's keys.
    pub sb: toml::Table,
    /// `[plugins.mmoe]`: MMOE's keys.
    pub mmoe: toml::Table,
    /// `[plugins.morl]`: MORL's keys (`preference` and the shapes are set per run).
    pub morl: toml::Table,
}

/// An experiment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExperimentConfig {
    /// A name for the report (default `experiment`).
    pub name: String,
    /// `world` or dataset config paths (default `["world"]`).
    pub datasets: Vec<String>,
    /// `predictor+policy` names (default: the comparison of docs/DESIGN.md §5, see
    /// [`COMPARISON`]).
    pub methods: Vec<String>,
    /// Per dataset entry, the methods run there instead of `methods` (default: none, every
    /// dataset runs `methods`), e.g. a cheaper suite on a sanity world.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub dataset_methods: BTreeMap<String, Vec<String>>,
    /// Seeds (default 5).
    pub seeds: Seeds,
    /// Runs in parallel; 0 means one per core (default 0).
    pub jobs: usize,
    /// The method the report checks against every other (default `moh+dcrl`, and none when the
    /// experiment does not run it); another name must be one of the experiment's methods.
    pub highlight: String,
    /// The synthetic world behind `world` (default: the embedded world).
    pub world: WorldConfig,
    /// The supervised trainer (stage A).
    pub train: TrainConfig,
    /// The MoH and its ablations.
    pub moh: MohConfig,
    /// DCRL and its ablations.
    pub dcrl: DcrlConfig,
    /// The policy stage.
    pub rl: RlSettings,
    /// Plugin baselines' own settings.
    pub plugins: PluginSettings,
}

impl Default for ExperimentConfig {
    fn default() -> Self {
        Self {
            name: "experiment".into(),
            datasets: vec!["world".into()],
            methods: COMPARISON.iter().map(|s| s.to_string()).collect(),
            dataset_methods: BTreeMap::new(),
            seeds: Seeds::Count(5),
            jobs: 0,
            highlight: DEFAULT_HIGHLIGHT.into(),
            world: WorldConfig::default(),
            train: TrainConfig::default(),
            moh: MohConfig::default(),
            dcrl: DcrlConfig::default(),
            rl: RlSettings::default(),
            plugins: PluginSettings::default(),
        }
    }
}

/// A dataset of an experiment, resolved.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DatasetRef {
    /// The synthetic world (simulator and its log): `[world]` with these `key=value` overrides
    /// of its keys, none for the entry `world`, `heterogeneity=0` for `world.heterogeneity=0`
    /// ([`world_overrides`]).
    World(Vec<String>),
    /// A dataset config file (logged re-ranking).
    Config(PathBuf),
}

/// The dataset entry of the configured synthetic world.
pub const WORLD: &str = "world";

/// The overrides of `[world]` that the dataset entry `d` names, if it is a world: none for
/// `world`, `["heterogeneity=0", "long_term=0"]` for `world.heterogeneity=0,long_term=0`.
/// The entry is the dataset's name in runs and reports.
///
/// ```
/// use deepprl_experiment::config::world_overrides;
/// assert_eq!(world_overrides("world"), Some(vec![]));
/// assert_eq!(world_overrides("world.heterogeneity=0"), Some(vec!["heterogeneity=0".into()]));
/// assert_eq!(world_overrides("configs/kuairand.toml"), None);
/// ```
pub fn world_overrides(d: &str) -> Option<Vec<String>> {
    if d == WORLD {
        return Some(Vec::new());
    }
    let sets = d.strip_prefix(WORLD)?.strip_prefix('.')?;
    Some(sets.split(',').map(|s| s.trim().to_string()).collect())
}

/// The dataset entry (and name) of the world with overrides `sets`, the inverse of
/// [`world_overrides`]: `world`, or `world.` and the overrides joined by `,`.
pub fn world_name(sets: &[String]) -> String {
    if sets.is_empty() { WORLD.to_string() } else { format!("{WORLD}.{}", sets.join(",")) }
}

/// The world of the dataset entry `d`: `base` with the entry's overrides applied; `None` when
/// `d` is not a world.
///
/// # Errors
/// [`Error::Usage`] naming the entry and the override for an unknown key, a malformed
/// override or a value of the wrong type.
pub fn world_config(d: &str, base: &WorldConfig) -> Result<Option<WorldConfig>> {
    let Some(sets) = world_overrides(d) else { return Ok(None) };
    let malformed =
        sets.iter().find(|s| s.split_once('=').is_none_or(|(k, _)| k.trim().is_empty()));
    if let Some(s) = malformed {
        return Err(Error::Usage(format!(
            "dataset `{d}`: `{s}` is not a `key=value` override of [world]"
        )));
    }
    crate::overrides::set_keys(base, &sets)
        .map(Some)
        .map_err(|e| Error::Usage(format!("dataset `{d}` (overrides of [world]): {e}")))
}

impl ExperimentConfig {
    /// Reads and checks an experiment file.
    ///
    /// # Errors
    /// [`Error::Usage`] naming the file, and the line, column and key of a malformed or unknown
    /// setting; unknown method names list the known ones.
    pub fn from_file(path: &Path) -> Result<Self> {
        // Invalid UTF-8 is reported with the file, line and column.
        let text = deepprl_data::config::read_text(path)?;
        Self::from_toml_str(&text, path)
    }

    /// Parses an experiment from `text` (read from `path`, for messages).
    ///
    /// # Errors
    /// As [`ExperimentConfig::from_file`].
    pub fn from_toml_str(text: &str, path: &Path) -> Result<Self> {
        let config: Self = toml::from_str(text)
            .map_err(|e| Error::Usage(format!("{}: {}", path.display(), located(text, &e))))?;
        config.validate().map_err(|e| Error::Usage(format!("{}: {e}", path.display())))?;
        Ok(config)
    }

    /// The parsed methods.
    ///
    /// # Errors
    /// For an unknown method name.
    pub fn parsed_methods(&self) -> Result<Vec<Method>> {
        self.methods.iter().map(|m| Method::parse(m)).collect()
    }

    /// The methods run on the dataset entry `dataset`: its `dataset_methods` list, else
    /// `methods`.
    ///
    /// # Errors
    /// For an unknown method name.
    pub fn methods_of(&self, dataset: &str) -> Result<Vec<Method>> {
        match self.dataset_methods.get(dataset) {
            Some(list) => list.iter().map(|m| Method::parse(m)).collect(),
            None => self.parsed_methods(),
        }
    }

    /// Checks names and ranges.
    ///
    /// # Errors
    /// [`Error::Usage`] naming the key.
    pub fn validate(&self) -> Result<()> {
        let bad = |key: &str, why: String| Err(Error::Usage(format!("key `{key}`: {why}")));
        if self.datasets.is_empty() {
            return bad("datasets", "needs at least one dataset".into());
        }
        for d in &self.datasets {
            let world = world_config(d, &self.world)
                .map_err(|e| Error::Usage(format!("key `datasets`: {e}")))?;
            if let Some(w) = world.filter(|_| d != WORLD) {
                w.validate().map_err(|e| {
                    Error::Usage(format!("key `datasets`: `{d}` (overrides of [world]): {e}"))
                })?;
            }
        }
        if self.methods.is_empty() {
            return bad("methods", "needs at least one method".into());
        }
        self.parsed_methods().map_err(|e| Error::Usage(format!("key `methods`: {e}")))?;
        for (d, list) in &self.dataset_methods {
            let key = format!("dataset_methods.\"{d}\"");
            if !self.datasets.contains(d) {
                return bad(&key, format!("`{d}` is not one of `datasets` {:?}", self.datasets));
            }
            if list.is_empty() {
                return bad(&key, "needs at least one method".into());
            }
            self.methods_of(d).map_err(|e| Error::Usage(format!("key `{key}`: {e}")))?;
        }
        match &self.seeds {
            Seeds::Count(n) if *n == 0 || *n > MAX_SEEDS as u64 => {
                return bad("seeds", format!("must be in 1..={MAX_SEEDS}, got {n}"));
            }
            Seeds::List(l) => {
                if l.is_empty() || l.len() > MAX_SEEDS {
                    return bad(
                        "seeds",
                        format!("lists {} seeds, must list 1..={MAX_SEEDS}", l.len()),
                    );
                }
                let mut sorted = l.clone();
                sorted.sort_unstable();
                if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
                    return bad("seeds", format!("lists seed {} twice", w[0]));
                }
            }
            Seeds::Count(_) => {}
        }
        bounds::count(self.jobs, 0, 1024).map_err(|r| Error::Usage(format!("key `jobs`: {r}")))?;
        let every_method = self
            .methods
            .iter()
            .chain(self.dataset_methods.values().flatten())
            .any(|m| *m == self.highlight);
        // The default highlight is DeepPRL's; an experiment without it has no highlight.
        if !every_method && self.highlight != DEFAULT_HIGHLIGHT {
            return bad(
                "highlight",
                format!("`{}` is not one of the experiment's methods", self.highlight),
            );
        }
        self.rl.validate()?;
        let section =
            |name: &str, e: &dyn std::fmt::Display| Error::Usage(format!("section [{name}]: {e}"));
        self.train.validate().map_err(|e| section("train", &e))?;
        self.moh.validate().map_err(|e| section("moh", &e))?;
        self.dcrl.validate_ranges().map_err(|e| section("dcrl", &e))?;
        self.world.validate().map_err(|e| section("world", &e))?;
        Ok(())
    }

    /// The datasets, resolved against the experiment file's folder (`base`) and the data root.
    ///
    /// # Errors
    /// [`Error::Usage`] saying which paths were looked for when a config is missing.
    pub fn dataset_refs(&self, base: &Path) -> Result<Vec<DatasetRef>> {
        self.datasets.iter().map(|d| resolve_dataset(d, base)).collect()
    }
}

/// `world`, or the first existing of: `d` as given (absolute or relative to `base`), under
/// `$DEEPPRL_DATA_ROOT`.
///
/// # Errors
/// [`Error::Usage`] listing every path looked for.
pub fn resolve_dataset(d: &str, base: &Path) -> Result<DatasetRef> {
    if let Some(sets) = world_overrides(d) {
        return Ok(DatasetRef::World(sets));
    }
    let p = Path::new(d);
    let mut tried = vec![if p.is_absolute() { p.to_path_buf() } else { base.join(p) }];
    if let Some(root) = std::env::var_os("DEEPPRL_DATA_ROOT") {
        tried.push(Path::new(&root).join(p));
    }
    tried.iter().find(|c| c.is_file()).map(|c| DatasetRef::Config(c.clone())).ok_or_else(|| {
        let list: Vec<String> = tried.iter().map(|t| t.display().to_string()).collect();
        Error::Usage(format!("dataset config `{d}` not found; looked for {}", list.join(", ")))
    })
}

/// A TOML error with its line and column spelled out (1-based) and its message.
pub(crate) fn located(text: &str, e: &toml::de::Error) -> String {
    let message = e.message();
    match e.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
            format!("line {line}, column {column}: {message}")
        }
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<ExperimentConfig> {
        ExperimentConfig::from_toml_str(text, Path::new("exp.toml"))
    }

    #[test]
    fn world_entries_with_bad_overrides_are_errors_naming_the_entry() {
        for (entry, says) in [
            ("world.no_such_key=1", "no_such_key"),
            ("world.heterogeneity", "not a `key=value`"),
            ("world.heterogeneity=high", "heterogeneity"),
        ] {
            let text = format!("datasets = [\"{entry}\"]\n");
            let e = parse(&text).and_then(|c| c.validate()).unwrap_err().to_string();
            assert!(
                e.contains("datasets") && e.contains(entry) && e.contains(says),
                "{entry}: {e}"
            );
        }
        let c = parse("datasets = [\"world\", \"world.heterogeneity=0,long_term=0.5\"]\n").unwrap();
        c.validate().unwrap();
        let w = world_config(&c.datasets[1], &c.world).unwrap().unwrap();
        assert_eq!((w.heterogeneity, w.long_term), (0.0, 0.5));
        assert_eq!(world_config("kuairand.toml", &c.world).unwrap(), None);
    }

    #[test]
    fn a_dataset_can_run_its_own_methods() {
        let c = parse(
            "datasets = [\"world\", \"world.heterogeneity=0\"]\nmethods = [\"moh+dcrl\", \"sb+grid\"]\n\
             [dataset_methods]\n\"world.heterogeneity=0\" = [\"moh+static\"]\n",
        )
        .unwrap();
        c.validate().unwrap();
        let names = |d: &str| -> Vec<String> {
            c.methods_of(d).unwrap().iter().map(|m| m.name()).collect()
        };
        assert_eq!(names("world"), ["moh+dcrl", "sb+grid"]);
        assert_eq!(names("world.heterogeneity=0"), ["moh+static"]);
        for (table, says) in [
            ("\"world.long_term=0\" = [\"moh+static\"]", "is not one of `datasets`"),
            ("world = []", "needs at least one method"),
            ("world = [\"moh+nonsense\"]", "nonsense"),
        ] {
            let text = format!("datasets = [\"world\"]\n[dataset_methods]\n{table}\n");
            let e = parse(&text).and_then(|c| c.validate()).unwrap_err().to_string();
            assert!(e.contains("dataset_methods") && e.contains(says), "{table}: {e}");
        }
    }

    #[test]
    fn the_shipped_experiment_files_are_valid() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("experiments");
        let mut seen = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "toml") {
                let c = ExperimentConfig::from_file(&path).unwrap();
                c.validate().unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                seen += 1;
            }
        }
        assert!(seen >= 1, "no experiment files in {}", dir.display());
    }

    #[test]
    fn three_lines_are_a_whole_experiment() {
        let c = parse("datasets = [\"world\"]\nmethods = [\"moh+dcrl\", \"sb+grid\"]\nseeds = 2\n")
            .unwrap();
        assert_eq!(c.seeds.list(), vec![0, 1]);
        assert_eq!(c.parsed_methods().unwrap().len(), 2);
        assert_eq!(c.rl.lambdas(3).len(), 4);
        assert_eq!(c.rl.lambdas(3)[1], vec![0.6, 0.2, 0.2]);
        assert_eq!(parse("seeds = [4, 9]").unwrap().seeds.list(), vec![4, 9]);
        assert_eq!(parse("").unwrap(), ExperimentConfig::default());
    }

    #[test]
    fn malformed_configs_name_the_key_and_line() {
        let err = parse("seeds = 2\n\n[rl]\nepisodes = \"many\"\n").unwrap_err().to_string();
        assert!(err.starts_with("exp.toml: line 4, column 12"), "{err}");
        assert!(err.contains("invalid type"), "{err}");
        let err = parse("seeds = 2\nmethod = [\"moh+dcrl\"]\n").unwrap_err().to_string();
        assert!(
            err.contains("line 2, column 1") && err.contains("unknown field `method`"),
            "{err}"
        );
        let err = parse("methods = [\"moh+dqn\"]").unwrap_err().to_string();
        assert!(err.contains("key `methods`") && err.contains("dcrl-myopic"), "{err}");
        let err = parse("[rl]\nlambda_grid = [[0.0, 0.0, 0.0]]").unwrap_err().to_string();
        assert!(err.contains("rl.lambda_grid"), "{err}");
    }

    /// The accepted-but-meaningless and allocation-sized values of issue #18: each is an error
    /// naming its key when the file is read, before anything is trained or written.
    #[test]
    fn out_of_range_values_are_errors_naming_the_key() {
        for (text, key) in [
            ("seeds = 9223372036854775807", "seeds"),
            ("seeds = 1000000000", "seeds"),
            ("seeds = 0", "seeds"),
            ("seeds = [1, 2, 1]", "seeds"),
            ("jobs = 100000", "jobs"),
            ("highlight = \"mmoe+nonsense\"", "highlight"),
            ("methods = [\"sb+grid\"]\nhighlight = \"moh+grid\"", "highlight"),
            ("[rl]\ngrid_divisions = 100000", "rl.grid_divisions"),
            ("[rl]\ngrid_episodes = 0", "rl.grid_episodes"),
            ("[rl]\neval_episodes = 100000000", "rl.eval_episodes"),
            ("[rl]\nenvs = 0", "rl.envs"),
            ("[rl]\nlambda_grid = [[]]", "rl.lambda_grid"),
            ("[dcrl]\nnoise_start = -1.0", "noise_start"),
            ("[dcrl]\nclip_norm = nan", "clip_norm"),
            ("[dcrl]\nclip_norm = -1.0", "clip_norm"),
            ("[dcrl]\nreplay_capacity = 1000000000000", "replay_capacity"),
            ("[dcrl]\nd_hidden = [0]", "d_hidden"),
            ("[dcrl.critic_optimizer]\nlr = inf", "critic_optimizer.lr"),
            ("[moh]\nd_embed = 0", "d_embed"),
            ("[moh]\nclip_norm = nan", "clip_norm"),
            ("[moh.sa_time_lstm]\nd_hidden = 100000000", "sa_time_lstm.d_hidden"),
            ("[moh.optimizer]\neps = 0.0", "optimizer.eps"),
            ("[train]\nbatch_size = 100000000", "batch_size"),
            ("[train]\nlr = nan", "lr"),
            ("[world]\nheterogeneity = nan", "heterogeneity"),
            ("datasets = [\"world.n_users=1000000000\"]", "n_users"),
        ] {
            let err = parse(text).unwrap_err().to_string();
            assert!(err.contains(key), "`{text}` gave: {err}");
        }
        let section = parse("[dcrl]\nnoise_end = -0.5").unwrap_err().to_string();
        assert!(section.contains("[dcrl]") && section.contains("noise_end"), "{section}");
    }

    #[test]
    fn a_missing_dataset_says_which_paths_were_looked_for() {
        let err = resolve_dataset("nowhere/x.toml", Path::new("/tmp/exp")).unwrap_err().to_string();
        assert!(err.contains("/tmp/exp/nowhere/x.toml"), "{err}");
    }
}
