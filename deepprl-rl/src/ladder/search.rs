//! Coordinate ascent over cells: each cell in turn moves to its best neighbour on the lattice
//! of step `1 / grid_divisions` through its current weights (the simplex grid itself when the
//! weights lie on it) while that improves the λ-return over the selection episodes.
//! The full-information level's α moves by a line search over [`ALPHAS`].
//!
//! A move is accepted only when its paired improvement over the episodes it changes exceeds
//! [`ACCEPT_Z`] standard errors: with a few selection episodes per user, accepting any
//! improvement fitted the noise of the selection episodes (per user × hour gained 11.7 on them
//! and 0.5 on evaluation episodes), and the next level, searched on the same episodes, could
//! then improve on nothing.
//!
//! Only the episodes that visited a cell are re-run when it changes: an episode that never
//! reached the cell under the current rule follows the same path under any weights of that
//! cell, draw for draw (common random numbers), so its record stays exact.

use super::rule::{ALPHAS, HOUR_BUCKETS, Level, Rule, SATISFACTION_BUCKETS};
use super::simulate::{Record, run};
use deepprl_data::world::{EpisodeKey, K, World};
use rayon::prelude::*;

/// Moves of one cell per sweep at most.
const MAX_MOVES: usize = 4;

/// Standard errors by which a move's paired improvement must exceed 0 to be accepted.
pub const ACCEPT_Z: f64 = 2.0;

/// Whether `new` improves on `old` (records of the same episodes) by more than [`ACCEPT_Z`]
/// standard errors of the paired difference; and the summed improvement.
pub fn significant(old: &[Record], new: &[Record], lambda: &[f64; K]) -> (bool, f64) {
    let d: Vec<f64> = old.iter().zip(new).map(|(a, b)| b.value(lambda) - a.value(lambda)).collect();
    let n = d.len() as f64;
    let sum: f64 = d.iter().sum();
    if d.len() < 2 {
        return (false, sum);
    }
    let mean = sum / n;
    let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean > ACCEPT_Z * (var / n).sqrt() && mean > 0.0, sum)
}

/// The search's settings: the world, the λ, the lattice step and the sweeps.
pub struct Selection<'a> {
    /// The world.
    pub world: &'a World,
    /// The λ whose return is maximised.
    pub lambda: [f64; K],
    /// Lattice step.
    pub step: f64,
    /// Sweeps over the cells at most.
    pub sweeps: usize,
}

/// The lattice neighbours of `w`: `step` moved from one objective to another, staying on the
/// simplex.
pub fn neighbours(w: &[f64; K], step: f64) -> Vec<[f64; K]> {
    let mut out = Vec::new();
    for from in 0..K {
        if w[from] < step - 1e-9 {
            continue;
        }
        for to in 0..K {
            if to != from {
                let mut v = *w;
                v[from] = (v[from] - step).max(0.0);
                v[to] += step;
                out.push(v);
            }
        }
    }
    out
}

/// Whether `records[i]` is affected by a change of `cell`, i.e. visited it.
fn visits(world: &World, level: Level, key: &EpisodeKey, rec: &Record, cell: usize) -> bool {
    let bucket = cell % HOUR_BUCKETS;
    let owner_ok = match level {
        Level::Lambda | Level::BestStatic => return true,
        Level::PerHour => true,
        Level::PerSegmentHour => world.users()[key.user].segment == cell / HOUR_BUCKETS,
        Level::PerUserHour | Level::FullInformation => key.user == cell / HOUR_BUCKETS,
    };
    owner_ok && rec.hour_buckets & (1 << bucket) != 0
}

impl Selection<'_> {
    /// Re-runs the episodes of `idx` under `rule`.
    fn rerun(&self, rule: &Rule, keys: &[EpisodeKey], idx: &[usize]) -> Vec<Record> {
        idx.par_iter().map(|&i| run(self.world, rule, keys[i])).collect()
    }

    /// Coordinate ascent of the cells `cells` of `rule` over the episodes `keys` (with
    /// `records` their records under `rule`, updated in place). Callers may also run
    /// independent groups of cells (disjoint users or segments) in parallel.
    pub fn ascend(
        &self,
        rule: &mut Rule,
        cells: &[usize],
        keys: &[EpisodeKey],
        records: &mut [Record],
    ) {
        for _ in 0..self.sweeps {
            let mut moved = false;
            for &cell in cells {
                for _ in 0..MAX_MOVES {
                    let idx: Vec<usize> = (0..keys.len())
                        .filter(|&i| visits(self.world, rule.level, &keys[i], &records[i], cell))
                        .collect();
                    if idx.is_empty() {
                        break;
                    }
                    let current: Vec<Record> = idx.iter().map(|&i| records[i]).collect();
                    let mut best: Option<([f64; K], f64, Vec<Record>)> = None;
                    for w in neighbours(&rule.cells[cell], self.step) {
                        let mut trial = rule.clone();
                        trial.cells[cell] = w;
                        let recs = self.rerun(&trial, keys, &idx);
                        let (ok, gain) = significant(&current, &recs, &self.lambda);
                        if ok && gain > best.as_ref().map_or(0.0, |b| b.1) {
                            best = Some((w, gain, recs));
                        }
                    }
                    let Some((w, _, recs)) = best else { break };
                    rule.cells[cell] = w;
                    for (&i, r) in idx.iter().zip(recs) {
                        records[i] = r;
                    }
                    moved = true;
                }
            }
            if !moved {
                break;
            }
        }
    }

    /// The taste-directed move of a contextual level: every cell shifted towards its mean true
    /// taste ([`Rule::towards`], [`Rule::cell_tastes`]) by the α of [`ALPHAS`] with the best
    /// significant improvement over all the episodes, repeated while one improves (at most
    /// `sweeps` times). One α decides for every cell, so the move is estimated from every
    /// selection episode and its winner's curse is small; the coordinate ascent that follows
    /// then refines each cell from its own episodes.
    pub fn ascend_taste(&self, rule: &mut Rule, keys: &[EpisodeKey], records: &mut Vec<Record>) {
        let tastes = Rule::cell_tastes(rule.level, self.world);
        for _ in 0..self.sweeps {
            let mut best: Option<(Rule, f64, Vec<Record>)> = None;
            for &alpha in &ALPHAS[1..] {
                let trial = rule.towards(&tastes, alpha);
                let recs: Vec<Record> =
                    keys.par_iter().map(|&k| run(self.world, &trial, k)).collect();
                let (ok, gain) = significant(records, &recs, &self.lambda);
                if ok && gain > best.as_ref().map_or(0.0, |b| b.1) {
                    best = Some((trial, gain, recs));
                }
            }
            let Some((trial, _, recs)) = best else { break };
            *rule = trial;
            *records = recs;
        }
    }

    /// The full-information level's α, one satisfaction bucket at a time: each bucket's α steps
    /// to the neighbouring value of [`ALPHAS`] (one up or down) with the best significant
    /// improvement while one improves (a line search, since one α moves every episode);
    /// episodes run in parallel.
    pub fn ascend_alpha(&self, rule: &mut Rule, keys: &[EpisodeKey], records: &mut Vec<Record>) {
        for _ in 0..self.sweeps {
            let mut moved = false;
            for j in 0..SATISFACTION_BUCKETS {
                for _ in 0..ALPHAS.len() {
                    let at = rule.alpha[j];
                    let mut best: Option<(usize, f64, Vec<Record>)> = None;
                    for cand in
                        [at.wrapping_sub(1), at + 1].into_iter().filter(|&a| a < ALPHAS.len())
                    {
                        let mut trial = rule.clone();
                        trial.alpha[j] = cand;
                        let recs: Vec<Record> =
                            keys.par_iter().map(|&k| run(self.world, &trial, k)).collect();
                        let (ok, gain) = significant(records, &recs, &self.lambda);
                        if ok && gain > best.as_ref().map_or(0.0, |b| b.1) {
                            best = Some((cand, gain, recs));
                        }
                    }
                    let Some((cand, _, recs)) = best else { break };
                    rule.alpha[j] = cand;
                    *records = recs;
                    moved = true;
                }
            }
            if !moved {
                break;
            }
        }
    }
}
