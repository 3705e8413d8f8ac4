//! The search of the `grid-segment-hour` table on selection episodes: coordinate ascent over
//! groups of its cells (each segment's row, each hour bucket's column, then each cell) on the
//! simplex lattice of step `1 / divisions`, each move taken only when its paired improvement
//! is significant ([`crate::ladder::search::significant_values`], the ladder's gate), and only
//! over the episodes it can change.
//!
//! The episodes are the caller's: `run(policy, e)` is the λ-return of selection episode `e`
//! under `policy`, which must be the same every time for the same answers of the policy (common
//! random numbers, as the simulator's keyed draws and logged requests give). An episode that
//! never asked for a cell under the current table is then unchanged by a change of that cell,
//! so a move re-runs only the episodes that visited one of its cells (for a cell, the episodes
//! of its segment with a step in its hour bucket), and the gate is the paired test over those
//! episodes.
//! Neighbours are screened as in the ladder ([`crate::ladder::search`]): when there are more
//! than [`SCREENED`] of them, each runs on every fourth changed episode first and only the
//! [`SCREENED`] best run on all of them.

use super::table::SegmentHourWeights;
use crate::ladder::HOUR_BUCKETS;
use crate::ladder::search::{SCREENED, significant_values};
use deepprl_models::{Transitions, WeightPolicy};
use ndarray::Array2;
use std::path::Path;

/// Settings of a table search.
#[derive(Debug, Clone, PartialEq)]
pub struct TableSearch {
    /// Selection episodes, numbered `0..episodes` for `run`.
    pub episodes: usize,
    /// Divisions of the simplex lattice (the grid's): a move shifts `1 / divisions` of weight
    /// from one objective to another.
    pub divisions: usize,
    /// Sweeps over the cells at most; a sweep that moves nothing ends the search.
    pub sweeps: usize,
    /// Moves of one group of cells per sweep at most.
    pub moves: usize,
}

/// What a table search found.
#[derive(Debug, Clone, PartialEq)]
pub struct TableOutcome {
    /// The table.
    pub table: SegmentHourWeights,
    /// The λ-return of each selection episode under the start.
    pub start_returns: Vec<f64>,
    /// The λ-return of each selection episode under the table.
    pub returns: Vec<f64>,
    /// Selection episodes that visit each cell under the table (what a move of that cell alone
    /// is tested on).
    pub cell_episodes: Vec<usize>,
    /// Moves accepted.
    pub moves: usize,
    /// Episodes run, screens included.
    pub episode_runs: usize,
}

/// The table answering for the search, noting every cell it is asked for.
struct Traced<'a> {
    table: &'a SegmentHourWeights,
    visited: Vec<bool>,
}

impl WeightPolicy for Traced<'_> {
    fn name(&self) -> &str {
        self.table.name()
    }
    fn n_objectives(&self) -> usize {
        self.table.n_objectives()
    }
    fn state_dim(&self) -> usize {
        self.table.state_dim()
    }
    fn act(&mut self, states: &Array2<f32>, _explore: bool) -> deepprl_models::Result<Array2<f32>> {
        let (weights, cells) = self.table.answer(states)?;
        cells.into_iter().for_each(|c| self.visited[c] = true);
        Ok(weights)
    }
    fn update(&mut self, _batch: &Transitions) -> deepprl_models::Result<f64> {
        Ok(0.0)
    }
    fn save(&self, path: &Path) -> deepprl_models::Result<()> {
        self.table.save(path)
    }
    fn load(&mut self, _path: &Path) -> deepprl_models::Result<()> {
        Err(deepprl_models::Error::Config {
            key: "policy".into(),
            reason: "the table under search cannot be loaded".into(),
        })
    }
}

/// One episode's λ-return under `table` and the cells it visited.
fn episode<E>(
    table: &SegmentHourWeights,
    e: usize,
    run: &mut dyn FnMut(&mut dyn WeightPolicy, usize) -> Result<f64, E>,
) -> Result<(f64, Vec<bool>), E> {
    let mut traced = Traced { table, visited: vec![false; table.n_cells()] };
    let value = run(&mut traced, e)?;
    Ok((value, traced.visited))
}

/// The lattice point of `weights`: the number of `1 / divisions` steps of each objective.
fn lattice(weights: &[f32], divisions: usize) -> crate::Result<Vec<f64>> {
    let d = divisions as f64;
    let steps: Vec<f64> = weights.iter().map(|&w| (f64::from(w) * d).round()).collect();
    let on = weights.iter().zip(&steps).all(|(&w, s)| (f64::from(w) * d - s).abs() < 1e-4);
    if !on || steps.iter().sum::<f64>() != d {
        return Err(crate::Error::config(
            "weights",
            format!("{weights:?} are not a point of the simplex grid of {divisions} divisions"),
        ));
    }
    Ok(steps)
}

/// The groups of cells that move together, coarse to fine: each segment's row (all its hour
/// buckets), each hour bucket's column (all segments; only with several segments), then each
/// cell alone.
fn groups(table: &SegmentHourWeights) -> Vec<Vec<usize>> {
    let (n_segments, n) = (table.n_segments(), table.n_cells());
    let mut out: Vec<Vec<usize>> =
        (0..n_segments).map(|s| (s * HOUR_BUCKETS..(s + 1) * HOUR_BUCKETS).collect()).collect();
    if n_segments > 1 {
        out.extend((0..HOUR_BUCKETS).map(|b| (b..n).step_by(HOUR_BUCKETS).collect()));
    }
    out.extend((0..n).map(|c| vec![c]));
    out
}

/// Coordinate ascent of `start`'s cells on the selection episodes of `settings`, over groups
/// of cells coarse to fine: each segment's row, each hour bucket's column, then each cell
/// (a row or a column is estimated from many more episodes than a cell, so it
/// passes the gate where single cells cannot). A group moves by the ladder's lattice move
/// in one direction for all its cells visited by an episode, to the best
/// significant direction, while one is significant (at most `moves` times per sweep). Every
/// cell of `start` must lie on the lattice (the grid's best weights do). Deterministic: the
/// same `run` gives the same table, bit for bit.
///
/// The returned table never does worse than `start` on the selection episodes: each accepted
/// move raises their summed λ-return.
///
/// # Errors
/// [`crate::Error::Config`] (converted) if `divisions` or `episodes` is 0 or a cell is off the
/// lattice; and whatever `run` returns.
pub fn search<E: From<crate::Error>>(
    start: SegmentHourWeights,
    settings: &TableSearch,
    run: &mut dyn FnMut(&mut dyn WeightPolicy, usize) -> Result<f64, E>,
) -> Result<TableOutcome, E> {
    let d = settings.divisions;
    if d == 0 || settings.episodes == 0 {
        return Err(crate::Error::config(
            "table search",
            format!("needs divisions and episodes, got {settings:?}"),
        )
        .into());
    }
    let mut table = start;
    let mut points: Vec<Vec<f64>> =
        (0..table.n_cells()).map(|c| lattice(table.weights(c), d)).collect::<Result<_, _>>()?;
    let (mut returns, mut visits) = (Vec::new(), Vec::new());
    for e in 0..settings.episodes {
        let (r, v) = episode(&table, e, run)?;
        returns.push(r);
        visits.push(v);
    }
    let start_returns = returns.clone();
    let k = table.n_objectives();
    let (mut moves, mut episode_runs) = (0, settings.episodes);
    for _ in 0..settings.sweeps {
        let mut moved = false;
        for group in groups(&table) {
            for _ in 0..settings.moves {
                let visited = |c: &usize| visits.iter().any(|v: &Vec<bool>| v[*c]);
                let cells: Vec<usize> = group.iter().copied().filter(visited).collect();
                let changed: Vec<usize> = (0..settings.episodes)
                    .filter(|&e| cells.iter().any(|&c| visits[e][c]))
                    .collect();
                if changed.len() < 2 {
                    break;
                }
                // The lattice move of the ladder (one step of weight from one objective to
                // another, [`crate::ladder::search::neighbours`]) in one direction for every
                // cell of the group; `None` where a cell has no step to give.
                let shifted = |(from, to): (usize, usize)| -> Option<Vec<Vec<f64>>> {
                    cells
                        .iter()
                        .map(|&c| {
                            let mut v = points[c].clone();
                            (v[from] >= 1.0).then(|| {
                                v[from] -= 1.0;
                                v[to] += 1.0;
                                v
                            })
                        })
                        .collect()
                };
                let trial = |moved: &[Vec<f64>]| -> crate::Result<SegmentHourWeights> {
                    let mut t = table.clone();
                    for (&c, point) in cells.iter().zip(moved) {
                        let w: Vec<f32> = point.iter().map(|&s| (s / d as f64) as f32).collect();
                        t.set_weights(c, &w)?;
                    }
                    Ok(t)
                };
                let directions = (0..k).flat_map(|from| {
                    (0..k).filter(move |&to| to != from).map(move |to| (from, to))
                });
                let mut candidates: Vec<Vec<Vec<f64>>> = directions.filter_map(shifted).collect();
                if candidates.len() > SCREENED {
                    let mut screened = Vec::with_capacity(candidates.len());
                    for moved in candidates {
                        let t = trial(&moved)?;
                        let mut gain = 0.0;
                        for &e in changed.iter().step_by(4) {
                            gain += episode(&t, e, run)?.0 - returns[e];
                            episode_runs += 1;
                        }
                        screened.push((gain, moved));
                    }
                    // Best screened gain first; ties keep the directions' order.
                    screened.sort_by(|a, b| b.0.total_cmp(&a.0));
                    candidates = screened.into_iter().take(SCREENED).map(|(_, m)| m).collect();
                }
                let old: Vec<f64> = changed.iter().map(|&e| returns[e]).collect();
                let mut best: Option<(
                    f64,
                    Vec<Vec<f64>>,
                    SegmentHourWeights,
                    Vec<(f64, Vec<bool>)>,
                )> = None;
                for moved in candidates {
                    let t = trial(&moved)?;
                    let runs: Vec<(f64, Vec<bool>)> =
                        changed.iter().map(|&e| episode(&t, e, run)).collect::<Result<_, _>>()?;
                    episode_runs += changed.len();
                    let new: Vec<f64> = runs.iter().map(|r| r.0).collect();
                    let (ok, gain) = significant_values(&old, &new);
                    if ok && gain > best.as_ref().map_or(0.0, |b| b.0) {
                        best = Some((gain, moved, t, runs));
                    }
                }
                let Some((_, moved_points, t, runs)) = best else { break };
                for (&e, (r, v)) in changed.iter().zip(runs) {
                    returns[e] = r;
                    visits[e] = v;
                }
                for (&c, point) in cells.iter().zip(moved_points) {
                    points[c] = point;
                }
                table = t;
                moves += 1;
                moved = true;
            }
        }
        if !moved {
            break;
        }
    }
    let cell_episodes =
        (0..table.n_cells()).map(|c| visits.iter().filter(|v| v[c]).count()).collect();
    Ok(TableOutcome { table, start_returns, returns, cell_episodes, moves, episode_runs })
}
