//! Episodes under a rule, with what the search needs to know of each: its discounted returns.

use super::rule::Rule;
use deepprl_core::rng::DeepRng;
use deepprl_data::world::{Episode, EpisodeKey, EpisodeTotals, K, World};
use rayon::prelude::*;
use std::collections::HashMap;

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

/// Runs one episode under `rule`.
pub fn run(world: &World, rule: &Rule, key: EpisodeKey) -> Record {
    Record::of(&world.run_episode(key, |ep| rule.weights(world, ep)))
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

/// Salt of the random-weights episodes' draws, apart from every world draw.
const RANDOM_WEIGHTS_SALT: u64 = 0x52_414E_4457; // "RANDW"

/// Runs episode `key` with weights drawn uniformly from the simplex at every request
/// (Dirichlet(1)), from a stream of its own keyed by the episode ([`random_rule`]): the
/// uniform-random-weights policy, whose point is the hypervolume's reference point
/// (docs/DESIGN.md §5).
pub fn run_random(world: &World, key: EpisodeKey) -> Record {
    let mut rule = random_rule();
    Record::of(&world.run_episode(key, |ep| rule(ep)))
}

/// The uniform-random-weights rule: at every request of an episode, weights drawn from
/// Dirichlet(1) from a stream keyed by the episode's key, one draw after the other. Episodes
/// may interleave (a vectorised evaluation): each keeps its own stream, so episode `key`'s
/// `t`-th request gets the same weights whatever ranks the candidates and whichever other
/// episodes run beside it, as long as each episode is played once.
pub fn random_rule() -> impl FnMut(&Episode) -> [f64; K] + Send {
    use ndarray_rand::rand::Rng;
    let mut streams: HashMap<EpisodeKey, DeepRng> = HashMap::new();
    move |ep| {
        let key = ep.key();
        let rng = streams.entry(key).or_insert_with(|| {
            let stream = (key.user as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ key.episode;
            deepprl_core::rng::worker_rng(key.seed ^ RANDOM_WEIGHTS_SALT, stream as usize)
        });
        let e: [f64; K] = std::array::from_fn(|_| -(1.0 - rng.random::<f64>()).ln());
        let s: f64 = e.iter().sum();
        e.map(|x| x / s)
    }
}

/// [`run_random`] of every key, in parallel, in key order.
pub fn run_random_all(world: &World, keys: &[EpisodeKey]) -> Vec<Record> {
    keys.par_iter().map(|&k| run_random(world, k)).collect()
}
