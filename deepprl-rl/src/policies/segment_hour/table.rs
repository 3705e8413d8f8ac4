//! The table of the `grid-segment-hour` baseline: one weight vector per user segment × hour
//! bucket (docs/DESIGN.md §4), read off the state.

use crate::ladder::{HOUR_BUCKETS, hour_bucket};
use deepprl_models::{Transitions, WeightPolicy};
use ndarray::Array2;
use std::ops::Range;
use std::path::Path;

/// A policy that answers the weights of the state's cell: its user segment × hour bucket
/// ([`HOUR_BUCKETS`] buckets of 4 hours, [`hour_bucket`]).
///
/// The hour is read from the state's `(sin, cos)` columns `hour, hour + 1` by `atan2`, rounded
/// to the nearest hour. The segment is the first of the `segments` columns (a user feature's
/// one-hot) above 0.5; with several one-hot features side by side that is the first feature's
/// value (the experiment's one-hots have a column for the dataset's unknown value first, so the
/// world's 4 segments are columns 1–4). A state with none of them set (a user without rows) has
/// its own last segment, and without `segments` there is one segment, so the table is per hour
/// only. Rows no state reaches keep their start.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentHourWeights {
    /// Weights per cell `segment * HOUR_BUCKETS + bucket`, each on the simplex.
    cells: Vec<Vec<f32>>,
    state_dim: usize,
    hour: usize,
    segments: Option<Range<usize>>,
    name: String,
}

fn checked(weights: &[f32], k: usize) -> crate::Result<Vec<f32>> {
    let sum: f32 = weights.iter().sum();
    if weights.len() != k
        || weights.iter().any(|w| !(w.is_finite() && *w >= 0.0))
        || !(sum > 0.0 && sum.is_finite())
    {
        return Err(crate::Error::config(
            "weights",
            format!("need {k} finite weights >= 0, not all zero, got {weights:?}"),
        ));
    }
    Ok(weights.iter().map(|w| w / sum).collect())
}

impl SegmentHourWeights {
    /// Every cell at `start` (normalised to sum to 1), for states of width `state_dim` whose
    /// hour's sine and cosine are columns `hour` and `hour + 1` and whose segment one-hot is
    /// `segments` (or `None`: one segment).
    ///
    /// # Errors
    /// If a weight of `start` is negative or not finite, or all are zero; or the hour's or the
    /// segments' columns are not inside the state, or `segments` is empty.
    pub fn new(
        name: &str,
        start: &[f32],
        state_dim: usize,
        hour: usize,
        segments: Option<Range<usize>>,
    ) -> crate::Result<Self> {
        let start = checked(start, start.len().max(1))?;
        if hour + 2 > state_dim {
            return Err(crate::Error::config(
                "hour",
                format!("columns {hour}..{} are not inside a state of {state_dim}", hour + 2),
            ));
        }
        if let Some(r) = &segments
            && (r.is_empty() || r.end > state_dim)
        {
            return Err(crate::Error::config(
                "segments",
                format!("columns {r:?} are not a non-empty range of a state of {state_dim}"),
            ));
        }
        let n_segments = segments.as_ref().map_or(1, |r| r.len() + 1);
        Ok(Self {
            cells: vec![start; n_segments * HOUR_BUCKETS],
            state_dim,
            hour,
            segments,
            name: name.to_string(),
        })
    }

    /// Number of segments (one per segment column, plus one for a state with none set; one
    /// without segment columns).
    pub fn n_segments(&self) -> usize {
        self.cells.len() / HOUR_BUCKETS
    }

    /// Number of cells, `n_segments × HOUR_BUCKETS`.
    pub fn n_cells(&self) -> usize {
        self.cells.len()
    }

    /// The weights of `cell`.
    ///
    /// # Panics
    /// If `cell >= n_cells()`.
    pub fn weights(&self, cell: usize) -> &[f32] {
        &self.cells[cell]
    }

    /// Sets the weights of `cell` (normalised to sum to 1).
    ///
    /// # Errors
    /// If `cell` is not a cell, or the weights are not K finite values >= 0, not all zero.
    pub fn set_weights(&mut self, cell: usize, weights: &[f32]) -> crate::Result<()> {
        let k = self.n_objectives();
        let w = checked(weights, k)?;
        let n = self.cells.len();
        let slot = self
            .cells
            .get_mut(cell)
            .ok_or_else(|| crate::Error::config("cell", format!("{cell} is not one of {n}")))?;
        *slot = w;
        Ok(())
    }

    /// The cell of a state: its segment × its hour's bucket.
    ///
    /// # Errors
    /// [`crate::Error::Shape`] if the state is not `state_dim` wide or its hour's sine and
    /// cosine are not finite or both 0.
    pub fn cell_of(&self, state: &[f32]) -> crate::Result<usize> {
        if state.len() != self.state_dim {
            return Err(crate::Error::Shape(format!(
                "{}: a state of {} values, not {}",
                self.name,
                state.len(),
                self.state_dim
            )));
        }
        let (sin, cos) = (state[self.hour], state[self.hour + 1]);
        if !(sin.is_finite() && cos.is_finite()) || (sin == 0.0 && cos == 0.0) {
            return Err(crate::Error::Shape(format!(
                "{}: the hour's (sin, cos) ({sin}, {cos}) is not a point of the circle",
                self.name
            )));
        }
        let turns = f64::from(sin).atan2(f64::from(cos)) / std::f64::consts::TAU;
        let hour = (turns * 24.0).round().rem_euclid(24.0) as u32;
        let segment = match &self.segments {
            None => 0,
            Some(r) => state[r.clone()].iter().position(|&x| x > 0.5).unwrap_or(r.len()),
        };
        Ok(segment * HOUR_BUCKETS + hour_bucket(hour))
    }
}

impl SegmentHourWeights {
    /// The weights `[batch, K]` for `states` and the cell of each state.
    ///
    /// # Errors
    /// As [`SegmentHourWeights::cell_of`].
    pub(super) fn answer(&self, states: &Array2<f32>) -> crate::Result<(Array2<f32>, Vec<usize>)> {
        let mut out = Array2::zeros((states.nrows(), self.n_objectives()));
        let mut cells = Vec::with_capacity(states.nrows());
        for (row, mut w) in states.rows().into_iter().zip(out.rows_mut()) {
            let cell = self.cell_of(&row.to_vec())?;
            w.iter_mut().zip(&self.cells[cell]).for_each(|(a, &b)| *a = b);
            cells.push(cell);
        }
        Ok((out, cells))
    }
}

impl WeightPolicy for SegmentHourWeights {
    fn name(&self) -> &str {
        &self.name
    }
    fn n_objectives(&self) -> usize {
        self.cells[0].len()
    }
    fn state_dim(&self) -> usize {
        self.state_dim
    }
    fn act(&mut self, states: &Array2<f32>, _explore: bool) -> deepprl_models::Result<Array2<f32>> {
        Ok(self.answer(states)?.0)
    }
    fn update(&mut self, _batch: &Transitions) -> deepprl_models::Result<f64> {
        Ok(0.0)
    }
    /// One line per cell, `segment,bucket,w_1,…,w_K`, in cell order.
    fn save(&self, path: &Path) -> deepprl_models::Result<()> {
        let mut text = String::new();
        for (c, w) in self.cells.iter().enumerate() {
            let w: Vec<String> = w.iter().map(f32::to_string).collect();
            text.push_str(&format!("{},{},{}\n", c / HOUR_BUCKETS, c % HOUR_BUCKETS, w.join(",")));
        }
        deepprl_core::io::write_atomic(path, text.as_bytes())?;
        Ok(())
    }
    fn load(&mut self, path: &Path) -> deepprl_models::Result<()> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| deepprl_models::Error::Io { path: path.to_path_buf(), source })?;
        let bad = || deepprl_models::Error::Config {
            key: path.display().to_string(),
            reason: format!(
                "is not {} lines of `segment,bucket` and {} weights",
                self.cells.len(),
                self.n_objectives()
            ),
        };
        let lines: Vec<&str> = text.lines().collect();
        if lines.len() != self.cells.len() {
            return Err(bad());
        }
        let mut cells = Vec::with_capacity(lines.len());
        for (c, line) in lines.iter().enumerate() {
            let v: Vec<f32> =
                line.split(',').map(str::parse).collect::<Result<_, _>>().map_err(|_| bad())?;
            let at = [(c / HOUR_BUCKETS) as f32, (c % HOUR_BUCKETS) as f32];
            if v.len() != self.n_objectives() + 2 || v[..2] != at {
                return Err(bad());
            }
            // Checked but kept as written: what was saved is read back bit for bit.
            checked(&v[2..], self.n_objectives()).map_err(|_| bad())?;
            cells.push(v[2..].to_vec());
        }
        self.cells = cells;
        Ok(())
    }
}
