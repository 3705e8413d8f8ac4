//! Episodes under a rule, with what the search needs to know of each: its discounted returns,
//! and, when tracked, the state at its first request in each cell of the rule's level, from
//! which a change of that cell's weights is run on without repeating what came before.

use super::rule::Rule;
use deepprl_data::world::{Episode, EpisodeKey, EpisodeTotals, K, World};
use rayon::prelude::*;
use std::sync::Arc;

/// One episode's outcome under a rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Record {
    /// Discounted per-objective returns (expected rewards, [`deepprl_data::world::EpisodeTotals`]).
    pub discounted: [f64; K],
    /// Steps.
    pub steps: usize,
    /// Sessions.
    pub sessions: usize,
}

impl Record {
    /// The λ-return.
    pub fn value(&self, lambda: &[f64; K]) -> f64 {
        (0..K).map(|k| lambda[k] * self.discounted[k]).sum()
    }

    fn of(totals: &EpisodeTotals) -> Self {
        Record { discounted: totals.discounted, steps: totals.steps, sessions: totals.sessions }
    }
}

/// An episode just before its first request in `cell`, with its totals so far.
#[derive(Debug)]
pub struct Snapshot {
    /// The cell of the rule's level.
    pub cell: usize,
    episode: Episode,
    totals: EpisodeTotals,
}

/// An episode's first visits to the cells of a rule's level, in the order of the visits.
pub type Track = Vec<Arc<Snapshot>>;

/// Runs one episode under `rule`.
pub fn run(world: &World, rule: &Rule, key: EpisodeKey) -> Record {
    Record::of(&world.run_episode(key, |ep| rule.weights(world, ep)))
}

/// Runs one episode under `rule`, tracking its first visit to each cell.
pub fn run_tracked(world: &World, rule: &Rule, key: EpisodeKey) -> (Record, Track) {
    let start =
        Snapshot { cell: usize::MAX, episode: world.begin(key), totals: Default::default() };
    let (record, track) = run_on(world, rule, &[Arc::new(start)], 0);
    (record, track[1..].to_vec())
}

/// The whole episode's record and track under `rule`, run on from `track[at]` (taken under a
/// rule that agrees with `rule` before that request, so what came before is the same).
pub fn run_on(world: &World, rule: &Rule, track: &[Arc<Snapshot>], at: usize) -> (Record, Track) {
    let mut out: Track = track[..=at].to_vec();
    let from = &track[at];
    let totals = world.resume(from.episode.clone(), from.totals, |ep, totals| {
        let cell = rule.cell(world, ep);
        if !out.iter().any(|s| s.cell == cell) {
            out.push(Arc::new(Snapshot { cell, episode: ep.clone(), totals: *totals }));
        }
        rule.weights(world, ep)
    });
    (Record::of(&totals), out)
}

/// Runs every episode of `keys` under `rule`, in parallel, in key order.
pub fn run_all(world: &World, rule: &Rule, keys: &[EpisodeKey]) -> Vec<Record> {
    keys.par_iter().map(|&k| run(world, rule, k)).collect()
}

/// The keys of `per_user` episodes of every user of `world` under `seed`, user-major.
pub fn keys_per_user(world: &World, seed: u64, per_user: usize) -> Vec<EpisodeKey> {
    (0..world.users().len())
        .flat_map(|user| {
            (0..per_user as u64).map(move |episode| EpisodeKey { seed, user, episode })
        })
        .collect()
}

/// `n` episode keys under `seed`, cycling through the users.
pub fn keys_cycling(world: &World, seed: u64, n: usize) -> Vec<EpisodeKey> {
    let users = world.users().len();
    (0..n).map(|i| EpisodeKey { seed, user: i % users, episode: (i / users) as u64 }).collect()
}
