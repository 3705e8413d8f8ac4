//! The ladder's searches over selection episodes: coordinate ascent over cells (each cell in
//! turn moves to its best neighbour on the lattice of step `1 / grid_divisions` through its
//! current weights, the simplex grid itself when the weights lie on it, while that improves
//! the λ-return); the taste-directed move of the contextual levels and the full-information
//! level's α, both line searches over [`ALPHAS`].
//!
//! A move is accepted only when the 95 % Student-t interval of its paired improvement over the
//! episodes it changes lies above 0 ([`significant`]): with a few selection episodes per user,
//! accepting any improvement fitted the noise of the selection episodes (per user × hour gained
//! 11.7 on them and 0.5 on evaluation episodes), and the next level, searched on the same
//! episodes, could then improve on nothing. A fixed 2 standard errors let too many per-user
//! moves through: a cell reached by 4 episodes has 3 degrees of freedom, where 2 SE is a 7 %
//! one-sided test (the interval asks for 3.2 SE), and at heterogeneity 0 the per-user level
//! then lost 0.4 ± 0.2 to the best static on evaluation episodes.
//!
//! Candidates that move every episode (the static grid, a coordinate ascent's neighbours) are
//! screened on every fourth selection episode first, and only the [`SCREENED`] best run on all
//! of them: the scans were most of the ladder's time, and a screen keeps the best candidate
//! whenever it is among the best few on a quarter of the episodes.

use super::rule::{ALPHAS, Rule, SATISFACTION_BUCKETS};
use super::simulate::{Record, run};
use deepprl_data::world::{EpisodeKey, K, World};
use deepprl_models::metrics::mean_ci95;
use rayon::prelude::*;

/// Candidates screened on a quarter of the episodes that go on to all of them.
pub const SCREENED: usize = 2;

/// Moves of one cell per sweep at most.
const MAX_MOVES: usize = 4;

/// Whether `new` improves on `old` (records of the same episodes): the 95 % Student-t interval
/// of the paired difference lies above 0 (fewer than two episodes never do); and the summed
/// improvement.
pub fn significant(old: &[Record], new: &[Record], lambda: &[f64; K]) -> (bool, f64) {
    let value = |r: &[Record]| r.iter().map(|r| r.value(lambda)).collect::<Vec<_>>();
    significant_values(&value(old), &value(new))
}

/// [`significant`] over the λ-returns of the same episodes, `old[e]` and `new[e]`.
pub fn significant_values(old: &[f64], new: &[f64]) -> (bool, f64) {
    let d: Vec<f64> = old.iter().zip(new).map(|(a, b)| b - a).collect();
    let sum: f64 = d.iter().sum();
    let ok = matches!(mean_ci95(&d), Some((mean, Some(half))) if mean > half && mean > 0.0);
    (ok, sum)
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

impl Selection<'_> {
    /// Coordinate ascent of the cells `cells` of `rule` over the episodes `keys` (with
    /// `records` their records under `rule`, updated in place). Each move screens the
    /// neighbours on every fourth episode and runs the [`SCREENED`] best on all of them.
    pub fn ascend(
        &self,
        rule: &mut Rule,
        cells: &[usize],
        keys: &[EpisodeKey],
        records: &mut [Record],
    ) {
        let screen: Vec<usize> = (0..keys.len()).step_by(4).collect();
        for _ in 0..self.sweeps {
            let mut moved = false;
            for &cell in cells {
                for _ in 0..MAX_MOVES {
                    let mut trials: Vec<(f64, Rule)> = neighbours(&rule.cells[cell], self.step)
                        .into_iter()
                        .map(|w| {
                            let mut trial = rule.clone();
                            trial.cells[cell] = w;
                            let gain: f64 = screen
                                .par_iter()
                                .map(|&i| {
                                    let d = run(self.world, &trial, keys[i]).value(&self.lambda);
                                    d - records[i].value(&self.lambda)
                                })
                                .sum();
                            (gain, trial)
                        })
                        .collect();
                    // Best screened gain first; ties keep the neighbours' order.
                    trials.sort_by(|a, b| b.0.total_cmp(&a.0));
                    let mut best: Option<(Rule, f64, Vec<Record>)> = None;
                    for (_, trial) in trials.into_iter().take(SCREENED) {
                        let recs: Vec<Record> =
                            keys.par_iter().map(|&k| run(self.world, &trial, k)).collect();
                        let (ok, gain) = significant(records, &recs, &self.lambda);
                        if ok && gain > best.as_ref().map_or(0.0, |b| b.1) {
                            best = Some((trial, gain, recs));
                        }
                    }
                    let Some((trial, _, recs)) = best else { break };
                    *rule = trial;
                    records.copy_from_slice(&recs);
                    moved = true;
                }
            }
            if !moved {
                break;
            }
        }
    }

    /// The best significant improvement over `records` along a line of rules,
    /// `family(i)` for `i` indexing [`ALPHAS`] (from 1): starting at α = 1, it walks up (or,
    /// when the next value up does not beat 1, down) while the improvement grows. `None` when
    /// no point of the line is significant.
    fn line(
        &self,
        family: impl Fn(usize) -> Rule,
        keys: &[EpisodeKey],
        records: &[Record],
    ) -> Option<(f64, Rule, Vec<Record>)> {
        let gain_at = |a: usize| {
            let trial = family(a);
            let recs: Vec<Record> = keys.par_iter().map(|&k| run(self.world, &trial, k)).collect();
            let (ok, gain) = significant(records, &recs, &self.lambda);
            (if ok { gain } else { f64::NEG_INFINITY }, trial, recs)
        };
        let start = ALPHAS.iter().position(|&a| a == 1.0).unwrap_or(ALPHAS.len() / 2);
        let mut best = gain_at(start);
        for step in [1isize, -1] {
            let mut a = start as isize + step;
            let mut walked = false;
            while a >= 1 && (a as usize) < ALPHAS.len() {
                let here = gain_at(a as usize);
                if here.0 <= best.0 {
                    break;
                }
                best = here;
                walked = true;
                a += step;
            }
            if walked {
                break;
            }
        }
        (best.0 > f64::NEG_INFINITY).then_some(best)
    }

    /// The taste-directed move of a contextual level: every cell shifted towards its mean true
    /// taste ([`Rule::cell_tastes`]) by one α of [`ALPHAS`] for all cells ([`Rule::towards`]),
    /// chosen on all the episodes and taken when its improvement is significant. Two lines are
    /// searched: from the current weights (the level below's solution) and from `anchor` (the
    /// best static weights in every cell), which the first cannot reach when the level below
    /// already leaned towards a coarser taste; the better significant one is taken, at most
    /// `sweeps` times. One α decides for every cell, so the move is estimated from every
    /// selection episode and its winner's curse is small.
    pub fn ascend_taste(
        &self,
        rule: &mut Rule,
        anchor: &Rule,
        keys: &[EpisodeKey],
        records: &mut Vec<Record>,
    ) {
        let tastes = Rule::cell_tastes(rule.level, self.world);
        for _ in 0..self.sweeps {
            let from_here = self.line(|a| rule.towards(&tastes, ALPHAS[a]), keys, records);
            let from_anchor = if anchor == rule {
                None
            } else {
                self.line(|a| anchor.towards(&tastes, ALPHAS[a]), keys, records)
            };
            let best = match (from_here, from_anchor) {
                (Some(h), Some(a)) => Some(if a.0 > h.0 { a } else { h }),
                (h, a) => h.or(a),
            };
            let Some((_, trial, recs)) = best else { break };
            *rule = trial;
            *records = recs;
        }
    }

    /// The full-information level's jump: the best static weights in every cell shifted
    /// towards the user's exact taste at the hour by one α for every satisfaction bucket
    /// (`w ∝ w_static + α p_u(h)`), taken when it beats the current rule (the per-user × hour
    /// solution) significantly; [`Selection::ascend_alpha`] then refines α per bucket.
    pub fn jump_alpha(
        &self,
        rule: &mut Rule,
        anchor: &Rule,
        keys: &[EpisodeKey],
        records: &mut Vec<Record>,
    ) {
        let family = |a: usize| Rule { alpha: [a; SATISFACTION_BUCKETS], ..anchor.clone() };
        if let Some((_, trial, recs)) = self.line(family, keys, records) {
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
