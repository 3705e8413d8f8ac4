//! Episodes under a rule, with what the search needs to know of each: its discounted returns
//! and which cells it visited.

use super::rule::{Rule, satisfaction_bucket};
use deepprl_data::world::{EpisodeKey, K, World};
use rayon::prelude::*;

/// One episode's outcome under a rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Record {
    /// Discounted per-objective returns (expected rewards, [`deepprl_data::world::EpisodeTotals`]).
    pub discounted: [f64; K],
    /// Steps.
    pub steps: usize,
    /// Sessions.
    pub sessions: usize,
    /// Bit `b` set when a request fell in hour bucket `b`.
    pub hour_buckets: u8,
    /// Bit `j` set when a request fell in satisfaction bucket `j`.
    pub satisfaction_buckets: u8,
}

impl Record {
    /// The λ-return.
    pub fn value(&self, lambda: &[f64; K]) -> f64 {
        (0..K).map(|k| lambda[k] * self.discounted[k]).sum()
    }
}

/// Runs one episode under `rule`.
pub fn run(world: &World, rule: &Rule, key: EpisodeKey) -> Record {
    let (mut hours, mut sats) = (0u8, 0u8);
    let totals = world.run_episode(key, |ep| {
        let ctx = ep.context();
        hours |= 1 << super::rule::hour_bucket(ctx.hour);
        sats |= 1 << satisfaction_bucket(ctx.satisfaction);
        rule.weights(world, ep)
    });
    Record {
        discounted: totals.discounted,
        steps: totals.steps,
        sessions: totals.sessions,
        hour_buckets: hours,
        satisfaction_buckets: sats,
    }
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
