//! The simulator environment over the synthetic world (DESIGN.md §3.5): long-term effects.
//!
//! An episode is one user session. At each step the environment draws `candidates` items, ranks
//! them by `Σ_k w_k ẑ_k` with the policy's weights `w` over the standardised expected outcomes
//! `ẑ` (the true scorer, which isolates the weight policy from prediction error), shows the top
//! `slate` items through [`World::step`] — which samples outcomes, moves the user's satisfaction
//! and may end the session — and rewards the slate's mean outcome per objective, standardised
//! with the world's population statistics (so that a business preference λ weighs objectives
//! on one scale: raw watch time, `ln(1 + s)` ≈ 2.8, would otherwise dominate 0/1 rates).
//!
//! The state is `[hour of day one-hot (24) | moving average of recent slate outcomes (K) |
//! user features]`: the context, a short-term history summary in place of the SA-Time-LSTM
//! state, and a per-user vector (e.g. the user embedding of a predictor trained on the world's
//! log; empty for a non-personalised state). Satisfaction itself is hidden, as in reality.

use super::{Environment, Step};
use crate::dcrl::StateLayout;
use deepprl_core::rng::DeepRng;
use deepprl_data::world::{Context, K, UserState, World, simplex_grid};
use ndarray_rand::rand::Rng;

const HOURS: usize = 24;
/// Weight of the newest slate in the moving average of outcomes.
const EMA: f32 = 0.3;

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
#[derive(Debug, Clone)]
pub struct Simulator {
    world: World,
    config: SimulatorConfig,
    user_features: Vec<Vec<f32>>,
    d_user: usize,
    grid: Vec<Vec<f64>>,
    state: UserState,
    recent: [f32; K],
    candidates: Vec<usize>,
}

impl Simulator {
    /// A simulator over `world`; `user_features[u]` is world user `u`'s feature vector (all of
    /// one width), or empty for a state without a user part.
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
        let grid = simplex_grid(K, config.oracle_grid.max(1));
        Ok(Self {
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

    /// Which state columns are context and user.
    pub fn layout(&self) -> StateLayout {
        StateLayout {
            dim: HOURS + K + self.d_user,
            user: (self.d_user > 0).then(|| HOURS + K..HOURS + K + self.d_user),
            context: Some(0..HOURS),
        }
    }

    /// The world.
    pub fn world(&self) -> &World {
        &self.world
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
        let mut s = vec![0.0; HOURS + K + self.d_user];
        s[self.context().hour as usize % HOURS] = 1.0;
        s[HOURS..HOURS + K].copy_from_slice(&self.recent);
        if let Some(f) = self.user_features.get(self.state.user) {
            s[HOURS + K..].copy_from_slice(f);
        }
        s
    }

    fn to_f64(w: &[f32]) -> Vec<f64> {
        w.iter().map(|&v| f64::from(v)).collect()
    }

    fn scale(&self, outcome: &[f64; K]) -> [f32; K] {
        let v =
            if self.config.standardise_reward { self.world.standardise(outcome) } else { *outcome };
        v.map(|x| x as f32)
    }

    /// The world user of the current session.
    pub fn user(&self) -> usize {
        self.state.user
    }

    /// The true best weights for the current user and context (maximising the user's own
    /// utility of the next slate, on the oracle grid): the Oracle policy.
    pub fn oracle_weights(&self) -> Vec<f32> {
        let b = self.world.best_weights(
            self.state.user,
            self.context(),
            &self.candidates,
            &self.grid,
            self.config.slate,
        );
        b.weights.iter().map(|&v| v as f32).collect()
    }
}

impl Environment for Simulator {
    fn n_objectives(&self) -> usize {
        K
    }

    fn state_dim(&self) -> usize {
        HOURS + K + self.d_user
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

    fn step(&mut self, weights: &[f32], rng: &mut DeepRng) -> Step {
        let ctx = self.context();
        let z: Vec<[f64; K]> = self
            .candidates
            .iter()
            .map(|&i| self.world.standardise(&self.world.expected(self.state.user, ctx, i)))
            .collect();
        let w = Self::to_f64(weights);
        let mut order: Vec<usize> = (0..z.len()).collect();
        let score = |i: usize| (0..K).map(|k| w[k] * z[i][k]).sum::<f64>();
        order.sort_by(|&a, &b| score(b).total_cmp(&score(a)).then(a.cmp(&b)));
        let slate: Vec<usize> =
            order[..self.config.slate].iter().map(|&i| self.candidates[i]).collect();
        let step = self.world.step(&mut self.state, &slate, rng);
        let mut mean = [0.0f64; K];
        for o in &step.outcomes {
            (0..K).for_each(|k| mean[k] += o[k] / step.outcomes.len() as f64);
        }
        let reward = self.scale(&mean);
        (0..K).for_each(|k| self.recent[k] = (1.0 - EMA) * self.recent[k] + EMA * reward[k]);
        let done = step.left || self.state.steps >= self.config.max_steps;
        self.draw_candidates(rng);
        Step { reward: reward.to_vec(), next_state: self.observe(), done }
    }

    fn oracle_value(&self, lambda: &[f32]) -> Option<f32> {
        let ctx = self.context();
        let best = self
            .grid
            .iter()
            .map(|w| {
                let v = self.world.slate_value(
                    self.state.user,
                    ctx,
                    &self.candidates,
                    w,
                    self.config.slate,
                );
                (0..K).map(|k| f64::from(lambda[k]) * v[k]).sum::<f64>()
            })
            .fold(f64::NEG_INFINITY, f64::max);
        Some(best as f32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use deepprl_core::rng::seeded;
    use deepprl_data::world::WorldConfig;

    fn sim() -> Simulator {
        let world = World::new(&WorldConfig::small()).expect("valid world");
        let cfg = SimulatorConfig::from_world(&world);
        Simulator::new(world, cfg, Vec::new()).expect("valid settings")
    }

    #[test]
    fn sessions_are_deterministic_per_seed_and_end() {
        let run = |seed| {
            let mut env = sim();
            let rng = &mut seeded(seed);
            let mut s = env.reset(rng);
            let mut trace = vec![s.clone()];
            for _ in 0..100 {
                let st = env.step(&[0.4, 0.3, 0.3], rng);
                trace.push(st.reward.clone());
                s = st.next_state;
                if st.done {
                    break;
                }
            }
            (trace, s)
        };
        assert_eq!(run(3), run(3));
        let (trace, _) = run(3);
        assert!(
            trace.len() <= 1 + sim().config.max_steps,
            "sessions end by max_steps at the latest"
        );
        assert_eq!(trace[0].len(), 24 + 3);
        assert_eq!(trace[0][..24].iter().sum::<f32>(), 1.0, "one-hot hour");
    }

    #[test]
    fn ranking_for_clicks_yields_more_clicks_and_the_oracle_bounds_watch_time() {
        let mut env = sim();
        env.config.standardise_reward = false;
        let lambda = [0.0, 0.0, 1.0];
        let (mut clicks_by_click, mut clicks_by_watch, mut watch, mut oracle) =
            (0.0, 0.0, 0.0, 0.0);
        for e in 0..300 {
            // The same session start and the same randomness for both rankings.
            let rng = &mut deepprl_core::rng::worker_rng(1, e);
            let mut a = env.clone();
            a.reset(rng);
            let mut b = a.clone();
            oracle += a.oracle_value(&lambda).expect("the simulator knows its oracle");
            let expected_watch = b.world.slate_value(
                b.state.user,
                b.context(),
                &b.candidates,
                &[0.0, 0.0, 1.0],
                b.config.slate,
            )[2] as f32;
            watch += expected_watch;
            clicks_by_click += a.step(&[1.0, 0.0, 0.0], &mut rng.clone()).reward[0];
            clicks_by_watch += b.step(&[0.0, 0.0, 1.0], &mut rng.clone()).reward[0];
        }
        assert!(
            clicks_by_click > clicks_by_watch,
            "ranking for clicks yields more clicks: {clicks_by_click} vs {clicks_by_watch}"
        );
        assert!(
            oracle + 1e-3 >= watch,
            "the oracle's watch time is at least that of the watch-time ranking: {oracle} vs {watch}"
        );
    }
}
