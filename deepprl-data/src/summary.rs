//! A dataset's summary: sizes, time range, slices, objective rates and context cardinalities.
//!
//! `deepprl data summary <config>` prints [`summary`]'s result.
//!
//! ```
//! use deepprl_data::{Summary, world::{World, WorldConfig}};
//! let ds = World::new(&WorldConfig::small())?.generate_log(&mut deepprl_core::rng::seeded(0))?;
//! let s = Summary::of(&ds);
//! assert_eq!(s.rows, ds.len());
//! assert!(s.to_string().contains("click"));
//! # Ok::<(), deepprl_data::Error>(())
//! ```

use crate::config::ObjectiveKind;
use crate::meta::{DatasetKind, EventCounts, FieldMeta, ObjectiveStats};
use crate::{Dataset, Result, Slice, requests, stats, time};
use std::fmt;
use std::path::{Path, PathBuf};

/// One slice of the split.
#[derive(Debug, Clone, PartialEq)]
pub struct SliceSummary {
    /// Which slice.
    pub slice: Slice,
    /// Rows.
    pub rows: usize,
    /// First and last time (seconds), when the data is timed and the slice not empty.
    pub time_range: Option<(i64, i64)>,
    /// Request groups (candidate sets of at least `min_candidates`).
    pub requests: usize,
}

/// One objective over all rows, and its training statistics.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectiveSummary {
    /// Name.
    pub name: String,
    /// Binary or continuous.
    pub kind: ObjectiveKind,
    /// Over all rows: count, mean (the rate, for binary), std, positives.
    pub all: ObjectiveStats,
    /// Over the training slice (used for standardisation).
    pub train: ObjectiveStats,
}

/// What `deepprl data summary` prints.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Dataset name.
    pub name: String,
    /// Interactions or tabular.
    pub kind: DatasetKind,
    /// Files read.
    pub sources: Vec<PathBuf>,
    /// Rows.
    pub rows: usize,
    /// For an event log, how its rows became impressions (the rows above).
    pub events: Option<EventCounts>,
    /// Distinct users (raw ids, all slices).
    pub users: usize,
    /// Distinct items (raw ids, all slices).
    pub items: usize,
    /// User and item vocabulary sizes (training ids + the unknown row).
    pub vocab_sizes: (usize, usize),
    /// First and last time (seconds), when timed.
    pub time_range: Option<(i64, i64)>,
    /// Train, valid, test.
    pub slices: Vec<SliceSummary>,
    /// Per objective.
    pub objectives: Vec<ObjectiveSummary>,
    /// Context fields and their cardinalities (including the unknown row).
    pub context: Vec<FieldMeta>,
    /// Number of categorical and numeric side features.
    pub features: (usize, usize),
    /// History length L.
    pub history_len: usize,
}

fn range_of(ds: &Dataset, rows: std::ops::Range<usize>) -> Option<(i64, i64)> {
    (ds.meta.has_time && !rows.is_empty()).then(|| (ds.time[rows.start], ds.time[rows.end - 1]))
}

impl Summary {
    /// The summary of a loaded dataset.
    pub fn of(ds: &Dataset) -> Summary {
        let all = stats::objective_stats(ds.outcomes.view(), &ds.meta.objectives, 0..ds.len());
        Summary {
            name: ds.meta.name.clone(),
            kind: ds.meta.kind,
            sources: ds.meta.sources.clone(),
            rows: ds.len(),
            events: ds.meta.events,
            users: ds.meta.counts.users,
            items: ds.meta.counts.items,
            vocab_sizes: (ds.meta.n_users, ds.meta.n_items),
            time_range: range_of(ds, 0..ds.len()),
            slices: Slice::ALL
                .iter()
                .map(|&slice| SliceSummary {
                    slice,
                    rows: ds.rows(slice).len(),
                    time_range: range_of(ds, ds.rows(slice)),
                    requests: requests(ds, slice).len(),
                })
                .collect(),
            objectives: ds
                .meta
                .objectives
                .iter()
                .zip(all)
                .zip(&ds.meta.stats.objectives)
                .map(|((o, all), train)| ObjectiveSummary {
                    name: o.name.clone(),
                    kind: o.kind,
                    all,
                    train: *train,
                })
                .collect(),
            context: ds.meta.context.clone(),
            features: (ds.meta.categorical.len(), ds.meta.numeric.len()),
            history_len: ds.meta.history_len,
        }
    }
}

/// Loads the dataset of the config at `config_path` and summarises it.
///
/// # Errors
/// As [`Dataset::from_config_file`].
pub fn summary(config_path: &Path) -> Result<Summary> {
    Ok(Summary::of(&Dataset::from_config_file(config_path)?))
}

fn span((a, b): (i64, i64)) -> String {
    format!("{} .. {} UTC", time::format_datetime(a), time::format_datetime(b))
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            DatasetKind::Interactions => "interactions",
            DatasetKind::Tabular => "tabular",
        };
        writeln!(f, "dataset   {} ({kind})", self.name)?;
        for s in &self.sources {
            writeln!(f, "file      {}", s.display())?;
        }
        writeln!(f, "rows      {}", self.rows)?;
        if let Some(e) = self.events {
            writeln!(
                f,
                "events    {} rows: {} impressions, {} rows grouped into them, {} unmatched \
                 (started no impression and belonged to none)",
                e.rows, e.impressions, e.grouped, e.unmatched
            )?;
        }
        if self.kind == DatasetKind::Interactions {
            let (vu, vi) = self.vocab_sizes;
            writeln!(f, "users     {} (vocabulary {vu} with the unknown row)", self.users)?;
            writeln!(f, "items     {} (vocabulary {vi} with the unknown row)", self.items)?;
        }
        match self.time_range {
            Some(r) => writeln!(f, "time      {}", span(r))?,
            None => writeln!(f, "time      none")?,
        }
        writeln!(f, "split")?;
        for s in &self.slices {
            let t = s.time_range.map_or(String::new(), |r| format!("  {}", span(r)));
            writeln!(
                f,
                "  {:<6} {:>9} rows {:>7} requests{t}",
                s.slice.name(),
                s.rows,
                s.requests
            )?;
        }
        writeln!(f, "objectives (all rows; training mean ± std)")?;
        for o in &self.objectives {
            let all = match (o.kind, o.all.positives) {
                (ObjectiveKind::Binary, Some(p)) => {
                    format!("rate {:.4} ({p} positives)", o.all.mean)
                }
                _ => format!("mean {:.4} std {:.4}", o.all.mean, o.all.std),
            };
            let kind = format!("{:?}", o.kind).to_lowercase();
            let (name, mean, std) = (&o.name, o.train.mean, o.train.std);
            writeln!(f, "  {name:<14} {kind:<10} {all:<30} train {mean:.4} ± {std:.4}")?;
        }
        write!(f, "context  ")?;
        if self.context.is_empty() {
            write!(f, " none")?;
        }
        for c in &self.context {
            write!(f, " {}={}", c.name, c.cardinality)?;
        }
        writeln!(f)?;
        writeln!(f, "features  {} categorical, {} numeric", self.features.0, self.features.1)?;
        write!(f, "history   L = {}", self.history_len)
    }
}
