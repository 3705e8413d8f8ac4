//! Logged datasets from the world, under a logging policy, in the same form as a real log.
//!
//! Every day each user starts a session with their return probability, at a local hour drawn
//! around their activity peak (as in an episode, [`super::Episode`]). At each step the logging policy draws `log.candidates` items
//! uniformly, scores them by its weights over standardised expected outcomes, and shows a
//! Plackett–Luce draw of `log.slate_size` of them at temperature `log.temperature` (Gumbel
//! top-k); the session ends when the user leaves or after `log.max_steps` steps.
//!
//! Every draw is keyed ([`super::Draws`]) by a seed taken from the caller's RNG, the user, the
//! day and the step.
//!
//! The log is written with KuaiRand-like columns (`user_id`, `item_id`, `time_s`, `topic`,
//! `segment`, `duration_ms`, `is_click`, `long_view`, `play_time_ms`) and a dataset config, so it
//! loads through the same loader as a real log; `segment` is the user's segment, a categorical
//! feature a predictor and a policy can see.
//!
//! ```
//! use deepprl_data::world::{World, WorldConfig};
//! let world = World::new(&WorldConfig::small())?;
//! let log = world.generate(&mut deepprl_core::rng::seeded(0));
//! let ds = log.to_dataset(&world)?;
//! assert_eq!(ds.len(), log.rows.len());
//! assert_eq!(ds.meta.n_items, world.items().len() + 1); // the whole catalogue is known
//! # Ok::<(), deepprl_data::Error>(())
//! ```

use super::{Context, Draws, Key, OBJECTIVES, Purpose, UserState, World};
use crate::builder::{RawLog, finish};
use crate::config::{DatasetConfig, FileRole};
use crate::{Dataset, Result, loader, time};
use deepprl_core::io::write_atomic;
use ndarray_rand::rand::Rng;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// One logged impression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoggedImpression {
    /// User index.
    pub user: u32,
    /// Item index.
    pub item: u32,
    /// Unix seconds.
    pub time: i64,
    /// Clicked.
    pub click: bool,
    /// Long view.
    pub long_view: bool,
    /// Milliseconds watched.
    pub watch_ms: u32,
}

/// A generated log, rows in time order (ties in generation order).
#[derive(Debug, Clone, PartialEq)]
pub struct GeneratedLog {
    /// The impressions.
    pub rows: Vec<LoggedImpression>,
}

/// File name of a written log; its config is the same name with `.toml`.
pub const LOG_FILE: &str = "world-log.tsv";

impl World {
    /// Generates a log under the config's logging policy, its draws keyed by a seed taken
    /// from `rng`.
    pub fn generate<R: Rng + ?Sized>(&self, rng: &mut R) -> GeneratedLog {
        let seed: u64 = rng.random();
        let l = &self.cfg.log;
        let start = time::parse_datetime(&l.start_date).expect("validated");
        let total: f64 = l.policy_weights.iter().sum();
        let weights: Vec<f64> = l.policy_weights.iter().map(|w| w / total).collect();
        let mut satisfaction = vec![self.cfg.dynamics.satisfaction_reference; self.users.len()];
        let mut rows = Vec::new();
        for day in 0..l.days {
            for user in 0..self.users.len() {
                let key = |step: usize| Key {
                    seed,
                    user: user as u64,
                    episode: 0,
                    day: day as u64,
                    step: step as u64,
                    slot: 0,
                };
                let s = satisfaction[user];
                if Draws::new(key(0), Purpose::Return).random::<f64>() >= self.return_probability(s)
                {
                    satisfaction[user] = self.decayed(s, 1);
                    continue;
                }
                let t0 = self.session_start(user, start + day as i64 * 86_400, key(0));
                let mut state = UserState::new(user, t0, s);
                for step_no in 0..l.max_steps {
                    let ctx = state.context();
                    let slate = self.logging_slate(user, ctx, &weights, key(step_no));
                    let shown_at = state.time;
                    let step = self.step(&mut state, &slate, key(step_no));
                    for (&item, imp) in slate.iter().zip(&step.impressions) {
                        rows.push(LoggedImpression {
                            user: user as u32,
                            item: item as u32,
                            time: shown_at,
                            click: imp.click,
                            long_view: imp.long_view,
                            watch_ms: imp.watch_ms,
                        });
                    }
                    if step.left {
                        break;
                    }
                }
                satisfaction[user] = self.decayed(state.satisfaction, 1);
            }
        }
        rows.sort_by_key(|r| r.time);
        GeneratedLog { rows }
    }

    /// The logging policy's slate: Gumbel top-k of `score / temperature` over uniform
    /// candidates, in descending order of the perturbed score.
    fn logging_slate(&self, user: usize, ctx: Context, w: &[f64], key: Key) -> Vec<usize> {
        let l = &self.cfg.log;
        let mut noise = Draws::new(key, Purpose::Logging);
        let mut keyed: Vec<(f64, usize)> = self
            .draw_candidates(key)
            .into_iter()
            .map(|item| {
                let z = self.standardise(&self.expected(user, ctx, item));
                let score: f64 = z.iter().zip(w).map(|(a, b)| a * b).sum();
                let u: f64 = noise.random_range(f64::EPSILON..1.0);
                (score / l.temperature - (-u.ln()).ln(), item)
            })
            .collect();
        keyed.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        keyed.into_iter().take(l.slate_size).map(|(_, i)| i).collect()
    }

    /// Generates a log and converts it into a dataset (see [`GeneratedLog::to_dataset`]).
    ///
    /// # Errors
    /// [`crate::Error::EmptySlice`] if the log is too small to have a training slice.
    pub fn generate_log<R: Rng + ?Sized>(&self, rng: &mut R) -> Result<Dataset> {
        self.generate(rng).to_dataset(self)
    }
}

impl GeneratedLog {
    /// The dataset config that reads this log once written to `LOG_FILE` beside it.
    pub fn dataset_config(world: &World) -> DatasetConfig {
        let l = &world.config().log;
        let text = format!(
            r#"name = "world"
[source]
file = "{LOG_FILE}"
delimiter = "\t"
[ids]
user = "user_id"
item = "item_id"
[time]
column = "time_s"
unit = "s"
order = "sorted"
[context]
derived = ["hour_of_day", "day_of_week"]
[features]
categorical = ["topic", "segment"]
numeric = ["duration_ms"]
transforms.duration_ms = {{ divide_by = 1000, transform = "log1p" }}
[[objectives]]
name = "{}"
column = "is_click"
kind = "binary"
[[objectives]]
name = "{}"
column = "long_view"
kind = "binary"
[[objectives]]
name = "{}"
column = "play_time_ms"
kind = "continuous"
divide_by = 1000
transform = "log1p"
[split]
valid = {}
test = {}
[sequence]
history_len = {}
[requests]
window_secs = {}
"#,
            OBJECTIVES[0],
            OBJECTIVES[1],
            OBJECTIVES[2],
            l.valid,
            l.test,
            l.history_len,
            l.window_secs
        );
        DatasetConfig::from_toml_str(&text, Path::new("world.toml"), None)
            .expect("the generated world config is valid")
    }

    /// The log as a dataset. Users and items keep the world's indices (vocabulary index =
    /// world index + 1, the whole catalogue known), unlike a loaded file, whose vocabularies
    /// come from its training slice.
    ///
    /// # Errors
    /// [`crate::Error::EmptySlice`] if the log is too small to have a training slice.
    pub fn to_dataset(&self, world: &World) -> Result<Dataset> {
        let mut spec = loader::spec(&Self::dataset_config(world));
        spec.sources.clear();
        let mut raw = RawLog::new(&spec);
        raw.fixed_vocab = true;
        for u in 0..world.users().len() {
            raw.users.intern(u.to_string().as_bytes());
        }
        for i in 0..world.items().len() {
            raw.items.intern(i.to_string().as_bytes());
        }
        let duration = spec_transform(&Self::dataset_config(world));
        for r in &self.rows {
            let item = &world.items()[r.item as usize];
            raw.user.push(r.user);
            raw.item.push(r.item);
            raw.time.push(r.time);
            let segment = world.users()[r.user as usize].segment;
            raw.categorical_ids.push(raw.categorical[0].intern(item.topic.to_string().as_bytes()));
            raw.categorical_ids.push(raw.categorical[1].intern(segment.to_string().as_bytes()));
            raw.numeric.push(duration.apply(duration_ms(item.length_secs) as f64) as f32);
            let imp =
                super::Impression { click: r.click, long_view: r.long_view, watch_ms: r.watch_ms };
            raw.outcomes.extend(imp.outcome().iter().map(|&v| v as f32));
        }
        raw.file_rows.push((FileRole::Log, self.rows.len()));
        finish(raw, spec)
    }

    /// Writes the log (`LOG_FILE`) and its config (`world-log.toml`) into `dir`, atomically;
    /// returns the config's path.
    ///
    /// # Errors
    /// [`crate::Error::Core`] (I/O) if `dir` is missing or not writable.
    pub fn write(&self, world: &World, dir: &Path) -> Result<PathBuf> {
        let mut tsv = String::from(
            "user_id\titem_id\ttime_s\ttopic\tsegment\tduration_ms\tis_click\tlong_view\tplay_time_ms\n",
        );
        for r in &self.rows {
            let item = &world.items()[r.item as usize];
            let _ = writeln!(
                tsv,
                "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                r.user,
                r.item,
                r.time,
                item.topic,
                world.users()[r.user as usize].segment,
                duration_ms(item.length_secs),
                u8::from(r.click),
                u8::from(r.long_view),
                r.watch_ms
            );
        }
        write_atomic(&dir.join(LOG_FILE), tsv.as_bytes())?;
        let cfg = toml::to_string(&Self::dataset_config(world))
            .map_err(|e| crate::Error::config("<world>", "log", e.to_string()))?;
        let path = dir.join("world-log.toml");
        write_atomic(&path, cfg.as_bytes())?;
        Ok(path)
    }
}

fn duration_ms(length_secs: f64) -> u64 {
    (length_secs * 1000.0).round() as u64
}

fn spec_transform(cfg: &DatasetConfig) -> crate::config::NumericTransform {
    cfg.features.transforms.get("duration_ms").copied().unwrap_or_default()
}
