//! The simulator environment over the synthetic world (docs/DESIGN.md §3.5): long-term effects.
//!
//! An episode is one user session. At each step the environment draws `candidates` items, ranks
//! them by `Σ_k w_k ẑ_k` with the policy's weights `w` over standardised predicted outcomes `ẑ`
//! from its [`SlateScorer`] — by default the [`TrueScorer`], the world's standardised expected
//! outcomes, which isolates the weight policy from prediction error; a trained predictor makes
//! prediction error count (see [`Simulator::with_scorer`]) — shows the top `slate` items through
//! [`World::step`], which samples outcomes, moves the user's satisfaction and may end the
//! session, and rewards the slate's mean outcome per objective, standardised with the world's
//! population statistics (so that a business preference λ weighs objectives on one scale: raw
//! watch time, `ln(1 + s)` ≈ 2.8, would otherwise dominate 0/1 rates).
//!
//! The oracle (value, weights) and the rewards always come from the truth, whatever the scorer.
//!
//! The state is `[hour of day (sin, cos) | moving average of recent slate outcomes (K) |
//! user features]`: the context, a short-term history summary in place of the SA-Time-LSTM
//! state, and a per-user vector (the runner passes each user's standardised mean outcomes on
//! the training slice; empty for a non-personalised state). Satisfaction itself is hidden, as in reality.

use super::scorer::{SlateScorer, TrueScorer};
use super::state::{self, CONTEXT};
use super::{Environment, Step};
use crate::dcrl::StateLayout;
use deepprl_core::rng::DeepRng;
use deepprl_core::simplex;
use deepprl_data::world::{Context, K, Outcome, UserState, World};
use ndarray_rand::rand::Rng;
use std::sync::Arc;

/// Episode settings of the simulator.
#[derive(Debug, Clone, PartialEq)]
pub struct SimulatorConfig {
    /// Candidates drawn per step.
    pub candidates: usize,
    /// Items shown per step.
    pub slate: usize,
    /// Steps per session at most.
    pub max_steps: usize,
    /// Divisions of the simplex grid used for the oracle (66 points for 3 objectives at 10).
    pub oracle_grid: usize,
    /// Standardise the reward per objective with the world's population statistics.
    pub standardise_reward: bool,
}

impl SimulatorConfig {
    /// The world's own log settings (candidates, slate size, session length), a 10-step grid and
    /// standardised rewards.
    pub fn from_world(world: &World) -> Self {
        let l = &world.config().log;
        Self {
            candidates: l.candidates,
            slate: l.slate_size,
            max_steps: l.max_steps,
            oracle_grid: 10,
            standardise_reward: true,
        }
    }
}

/// The simulator.
#[derive(Clone)]
pub struct Simulator {
    world: Arc<World>,
    scorer: Arc<dyn SlateScorer>,
    config: SimulatorConfig,
    user_features: Vec<Vec<f32>>,
    d_user: usize,
    grid: Vec<Vec<f64>>,
    state: UserState,
    recent: [f32; K],
    candidates: Vec<usize>,
}

impl std::fmt::Debug for Simulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulator")
            .field("scorer", &self.scorer.name())
            .field("config", &self.config)
            .field("d_user", &self.d_user)
            .field("state", &self.state)
            .field("recent", &self.recent)
            .field("candidates", &self.candidates)
            .finish_non_exhaustive()
    }
}

/// Candidate indices by descending `Σ_k w_k scores_k`, ties by index, the first `n` of them.
fn top_slate(scores: &[Outcome], w: &[f64], n: usize) -> Vec<usize> {
    let u: Vec<f64> = scores.iter().map(|z| (0..K).map(|k| w[k] * z[k]).sum()).collect();
    let mut order: Vec<usize> = (0..u.len()).collect();
    order.sort_by(|&a, &b| u[b].total_cmp(&u[a]).then(a.cmp(&b)));
    order.truncate(n);
    order
}

impl Simulator {
    /// A simulator over `world` ranking with the [`TrueScorer`]; `user_features[u]` is world
    /// user `u`'s feature vector (all of one width), or empty for a state without a user part.
    ///
    /// # Errors
    /// If the features are not one equal-width vector per user, or the settings are impossible.
    pub fn new(
        world: World,
        config: SimulatorConfig,
        user_features: Vec<Vec<f32>>,
    ) -> crate::Result<Self> {
        let n_users = world.users().len();
        let d_user = user_features.first().map_or(0, Vec::len);
        if !user_features.is_empty()
            && (user_features.len() != n_users || user_features.iter().any(|f| f.len() != d_user))
        {
            return Err(crate::Error::config(
                "user_features",
                format!("need one vector of equal width per user ({n_users})"),
            ));
        }
        if config.slate == 0
            || config.slate > config.candidates
            || config.candidates > world.items().len()
            || config.max_steps == 0
        {
            return Err(crate::Error::config(
                "simulator",
                format!("impossible settings {config:?} for {} items", world.items().len()),
            ));
        }
        let grid = simplex::grid(K, config.oracle_grid.max(1));
        let world = Arc::new(world);
        Ok(Self {
            scorer: Arc::new(TrueScorer::new(world.clone())),
            world,
            config,
            user_features,
            d_user,
            grid,
            state: UserState::new(0, 0, 0.0),
            recent: [0.0; K],
            candidates: Vec::new(),
        })
    }

    /// The same simulator ranking candidates by `scorer`'s predictions instead of the truth.
    /// Outcomes, rewards and the oracle stay those of the world.
    pub fn with_scorer(mut self, scorer: Arc<dyn SlateScorer>) -> Self {
        self.scorer = scorer;
        self
    }

    /// Which state columns are context and user.
    pub fn layout(&self) -> StateLayout {
        state::layout(K, self.d_user)
    }

    /// The world.
    pub fn world(&self) -> &World {
        &self.world
    }

    /// The episode settings.
    pub fn config(&self) -> &SimulatorConfig {
        &self.config
    }

    fn context(&self) -> Context {
        self.state.context()
    }

    fn draw_candidates(&mut self, rng: &mut DeepRng) {
        let n = self.world.items().len();
        self.candidates =
            ndarray_rand::rand::seq::index::sample(rng, n, self.config.candidates).into_vec();
    }

    fn observe(&self) -> Vec<f32> {
        let features = self.user_features.get(self.state.user).map_or(&[][..], Vec::as_slice);
        state::observe(self.context().hour as usize, &self.recent, features)
    }

    fn to_f64(w: &[f32]) -> Vec<f64> {
        w.iter().map(|&v| f64::from(v)).collect()
    }

    /// Raw or standardised outcomes, as rewarded.
    fn scale(&self, outcome: &Outcome) -> Outcome {
        if self.config.standardise_reward { self.world.standardise(outcome) } else { *outcome }
    }

    /// The world user of the current session.
    pub fn user(&self) -> usize {
        self.state.user
    }

    /// The true best weights for the current user's own utility (their preference at this hour
    /// dotted with standardised expected outcomes) of the next slate, on the oracle grid: what
    /// keeps users satisfied, which need not be the business preference λ
    /// ([`Environment::oracle_weights`]).
    pub fn user_best_weights(&self) -> Vec<f32> {
        let b = self.world.best_weights(
            self.state.user,
            self.context(),
            &self.candidates,
            &self.grid,
            self.config.slate,
        );
        b.weights.iter().map(|&v| v as f32).collect()
    }

    /// The grid weights (ties broken by `simplex::argmax`) maximising the expected λ-scalarised
    /// reward of the next slate under the true ranking, and that value.
    fn oracle(&self, lambda: &[f32]) -> (&[f64], f64) {
        let ctx = self.context();
        let y: Vec<Outcome> =
            self.candidates.iter().map(|&i| self.world.expected(self.state.user, ctx, i)).collect();
        let z: Vec<Outcome> = y.iter().map(|v| self.world.standardise(v)).collect();
        let lambda: Vec<f64> = lambda.iter().map(|&l| f64::from(l)).collect();
        let values: Vec<f64> = self
            .grid
            .iter()
            .map(|w| {
                let chosen = top_slate(&z, w, self.config.slate);
                let mut mean = [0.0; K];
                for &c in &chosen {
                    (0..K).for_each(|k| mean[k] += y[c][k] / chosen.len() as f64);
                }
                simplex::dot(&lambda, &self.scale(&mean))
            })
            .collect();
        let (i, value) = simplex::argmax(&values).expect("a non-empty oracle grid");
        (&self.grid[i], value)
    }
}

impl Environment for Simulator {
    fn n_objectives(&self) -> usize {
        K
    }

    fn state_dim(&self) -> usize {
        CONTEXT + K + self.d_user
    }

    fn reset(&mut self, rng: &mut DeepRng) -> Vec<f32> {
        let user = rng.random_range(0..self.world.users().len());
        let peak = self.world.users()[user].active_peak;
        let spread = self.world.config().log.hour_spread;
        let hour = (peak + spread * (rng.random::<f64>() * 2.0 - 1.0)).rem_euclid(24.0);
        self.state = UserState::new(user, (hour * 3600.0) as i64, 0.0);
        self.recent = [0.0; K];
        self.draw_candidates(rng);
        self.observe()
    }

    /// # Panics
    /// If the scorer answers with another number of predictions than candidates.
    fn step(&mut self, weights: &[f32], rng: &mut DeepRng) -> Step {
        let z = self.scorer.score(self.state.user, self.context(), &self.candidates);
        assert_eq!(
            z.len(),
            self.candidates.len(),
            "Simulator::step: scorer `{}` answered {} predictions for {} candidates",
            self.scorer.name(),
            z.len(),
            self.candidates.len()
        );
        let chosen = top_slate(&z, &Self::to_f64(weights), self.config.slate);
        let slate: Vec<usize> = chosen.iter().map(|&i| self.candidates[i]).collect();
        let step = self.world.step(&mut self.state, &slate, rng);
        let mut mean = [0.0f64; K];
        for o in &step.outcomes {
            (0..K).for_each(|k| mean[k] += o[k] / step.outcomes.len() as f64);
        }
        let reward = self.scale(&mean).map(|x| x as f32);
        state::blend(&mut self.recent, &reward);
        let done = step.left || self.state.steps >= self.config.max_steps;
        self.draw_candidates(rng);
        Step { reward: reward.to_vec(), next_state: self.observe(), done }
    }

    /// The expected λ-scalarised reward of the next slate ranked by the best grid weights under
    /// the truth (standardised like the reward).
    fn oracle_value(&self, lambda: &[f32]) -> Option<f32> {
        Some(self.oracle(lambda).1 as f32)
    }

    fn oracle_weights(&self, lambda: &[f32]) -> Option<Vec<f32>> {
        Some(self.oracle(lambda).0.iter().map(|&v| v as f32).collect())
    }

    fn hour(&self) -> Option<u8> {
        Some(self.context().hour as u8)
    }

    /// The chance that the user starts a session the next day: the world's return model at the
    /// session's satisfaction after one day's decay (as in the world's log).
    fn return_probability(&self) -> Option<f64> {
        let s = self.world.decayed(self.state.satisfaction, 1);
        Some(self.world.return_probability(s))
    }
}

#[cfg(test)]
mod tests;
