//! The simulator environment over the synthetic world (docs/DESIGN.md §3.5): long-term effects.
//!
//! An episode is one user's sessions over the world's `episode_days` days
//! ([`deepprl_data::world::Episode`]). At each step the environment ranks the request's
//! candidates by `Σ_k w_k ẑ_k` with the policy's weights `w` over standardised predicted
//! outcomes `ẑ` — by default the world's true standardised expected outcomes, ranked by
//! [`World::true_slate`] exactly as the oracle ladder ranks, which isolates the weight policy
//! from prediction error; a trained predictor's [`SlateScorer`] makes prediction error count
//! (see [`Simulator::with_scorer`]) — and shows
//! the top `log.slate_size` items through [`World::advance_expected`], which samples outcomes, moves the
//! user's satisfaction and may end the session or the episode. The reward is the slate's mean
//! outcome per objective scaled by the world's population standard deviation and **not
//! centred** ([`World::scale`]), so that a step that does not happen is worth 0 and keeping
//! users pays, and so that a business preference λ weighs objectives on one scale.
//!
//! Every draw of the world is keyed by the episode's key ([`deepprl_data::world::Draws`]):
//! [`Environment::reset`] takes the key's seed and the user from its RNG, so two policies reset
//! with equal RNGs meet the same candidates and noise wherever their paths coincide (common
//! random numbers); [`Environment::step`] draws nothing from its RNG.
//!
//! The oracle (value, weights) and the rewards always come from the truth, whatever the scorer.
//! Each step also carries the slate's expected reward given the state
//! ([`Step::expected_reward`]), which evaluation scores with, as the ladder does.
//!
//! Each episode starts from the user's last logged interactions ([`Simulator::with_histories`])
//! and appends every shown item with its realised outcomes, so the scorer and the state follow
//! what happens within the episode. The state is `[hour (sin, cos), weekday (sin, cos) | the
//! user's encoding ([`Simulator::with_encoder`]: the frozen MoH's SA-Time-LSTM over that
//! history and the user embedding) and user features | step in session, day in episode]`
//! (docs/DESIGN.md §3.4). Satisfaction itself is hidden, as in reality.

use super::scorer::{Request, SlateScorer};
use super::state::{self, CALENDAR, Moment, PROGRESS};
use super::{Environment, Step, UserEncoder, UserHistory};
use crate::dcrl::StateLayout;
use deepprl_core::rng::DeepRng;
use deepprl_core::simplex;
use deepprl_data::time::day_of_week;
use deepprl_data::world::{Context, Episode, EpisodeKey, K, Outcome, SlateBuffers, World};
use ndarray_rand::rand::Rng;
use std::sync::Arc;

/// Episode settings of the simulator (candidates and slate size are the world's).
#[derive(Debug, Clone, PartialEq)]
pub struct SimulatorConfig {
    /// Steps per episode at most: a limit for callers, which stop there (truncation).
    pub max_steps: usize,
    /// Divisions of the simplex grid used for the oracle (66 points for 3 objectives at 10).
    pub oracle_grid: usize,
    /// Scale the reward per objective by the world's population standard deviation.
    pub scale_reward: bool,
}

impl SimulatorConfig {
    /// Every step of an episode (`episode_days × log.max_steps`), a 10-step oracle grid and
    /// scaled rewards.
    pub fn from_world(world: &World) -> Self {
        let c = world.config();
        Self { max_steps: c.episode_days * c.log.max_steps, oracle_grid: 10, scale_reward: true }
    }
}

/// The simulator.
#[derive(Clone)]
pub struct Simulator {
    world: Arc<World>,
    /// The predictor's scorer; `None` ranks by the truth ([`World::true_slate`]).
    scorer: Option<Arc<dyn SlateScorer>>,
    config: SimulatorConfig,
    user_features: Vec<Vec<f32>>,
    d_features: usize,
    encoder: Option<Arc<dyn UserEncoder>>,
    logged: Arc<[UserHistory]>,
    grid: Vec<Vec<f64>>,
    /// The episodes in progress.
    slots: Vec<Slot>,
    /// The slot of the single-episode methods ([`Environment::focus`]).
    focus: usize,
}

/// One episode in progress and the user's history so far.
#[derive(Debug, Clone)]
struct Slot {
    episode: Episode,
    history: UserHistory,
}

impl std::fmt::Debug for Simulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulator")
            .field("scorer", &self.scorer.as_ref().map_or("truth", |s| s.name()))
            .field("config", &self.config)
            .field("d_features", &self.d_features)
            .field("encoder_width", &self.encoder.as_ref().map(|e| e.width()))
            .field("episode", &self.slots[self.focus].episode)
            .field("history", &self.slots[self.focus].history.len())
            .field("slots", &self.slots.len())
            .finish_non_exhaustive()
    }
}

/// The mean of `outcomes` per objective (0 for none).
fn mean_of(outcomes: &[Outcome]) -> Outcome {
    let mut mean = [0.0; K];
    for o in outcomes {
        (0..K).for_each(|k| mean[k] += o[k] / outcomes.len() as f64);
    }
    mean
}

/// Candidate indices by descending `Σ_k w_k scores_k`, ties by index, the first `n` of them.
fn top_slate(scores: &[Outcome], w: &[f64], n: usize) -> Vec<usize> {
    let u: Vec<f64> = scores.iter().map(|z| (0..K).map(|k| w[k] * z[k]).sum()).collect();
    deepprl_core::rank::top_n(&u, n)
}

impl Simulator {
    /// A simulator over `world` ranking by the truth; `user_features[u]` is world
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
        let d_features = user_features.first().map_or(0, Vec::len);
        if !user_features.is_empty()
            && (user_features.len() != n_users
                || user_features.iter().any(|f| f.len() != d_features))
        {
            return Err(crate::Error::config(
                "user_features",
                format!("need one vector of equal width per user ({n_users})"),
            ));
        }
        if config.max_steps == 0 {
            return Err(crate::Error::config(
                "simulator",
                format!("impossible settings {config:?} for {} items", world.items().len()),
            ));
        }
        let grid = simplex::grid(K, config.oracle_grid.max(1));
        let episode = world.begin(EpisodeKey { seed: 0, user: 0, episode: 0 });
        let world = Arc::new(world);
        Ok(Self {
            scorer: None,
            world,
            config,
            user_features,
            d_features,
            encoder: None,
            logged: Arc::from(Vec::new()),
            grid,
            slots: vec![Slot { episode, history: UserHistory::new(0) }],
            focus: 0,
        })
    }

    /// The same simulator starting each user's episodes from `histories[u]` (world user `u`'s
    /// last logged interactions, item ids of the log's vocabulary); without it episodes start
    /// from an empty history of length 0.
    ///
    /// # Errors
    /// If there is not one history per world user, all of one capacity.
    pub fn with_histories(mut self, histories: Vec<UserHistory>) -> crate::Result<Self> {
        let n_users = self.world.users().len();
        let l = histories.first().map_or(0, UserHistory::capacity);
        if histories.len() != n_users || histories.iter().any(|h| h.capacity() != l) {
            return Err(crate::Error::config(
                "histories",
                format!("need one history of one capacity per user ({n_users})"),
            ));
        }
        self.logged = Arc::from(histories);
        Ok(self)
    }

    /// The same simulator with `encoder`'s encoding of the user and the history in the state's
    /// user part, before the user features.
    pub fn with_encoder(mut self, encoder: Arc<dyn UserEncoder>) -> Self {
        self.encoder = Some(encoder);
        self
    }

    /// The user's interactions so far: the logged ones and this episode's slates.
    pub fn history(&self) -> &UserHistory {
        &self.slots[self.focus].history
    }

    fn d_user(&self) -> usize {
        self.encoder.as_ref().map_or(0, |e| e.width()) + self.d_features
    }

    /// The same simulator ranking candidates by `scorer`'s predictions instead of the truth.
    /// Outcomes, rewards and the oracle stay those of the world.
    pub fn with_scorer(mut self, scorer: Arc<dyn SlateScorer>) -> Self {
        self.scorer = Some(scorer);
        self
    }

    /// Width of the user features, the end of the state's user part
    /// ([`StateLayout::features`]).
    pub fn d_features(&self) -> usize {
        self.d_features
    }

    /// Which state columns are context and user.
    pub fn layout(&self) -> StateLayout {
        state::layout(self.d_user())
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
        self.slots[self.focus].episode.context()
    }

    /// The episode in progress.
    pub fn episode(&self) -> &Episode {
        &self.slots[self.focus].episode
    }

    fn slate_size(&self) -> usize {
        self.world.config().log.slate_size
    }

    /// The states of `slots`, their users encoded in one call.
    fn observe(&self, slots: &[usize]) -> Vec<Vec<f32>> {
        let c = self.world.config();
        let users: Vec<usize> = slots.iter().map(|&s| self.slots[s].episode.user()).collect();
        let encoded = self.encoder.as_ref().map(|e| {
            let histories: Vec<&UserHistory> =
                slots.iter().map(|&s| &self.slots[s].history).collect();
            e.encode_batch(&users, &histories)
        });
        slots
            .iter()
            .enumerate()
            .map(|(i, &s)| {
                let ep = &self.slots[s].episode;
                let moment = Moment {
                    hour: ep.context().hour as usize,
                    weekday: day_of_week(ep.time(), 0) as usize,
                    step: ep.step_in_session() as f32 / c.log.max_steps as f32,
                    day: ep.day() as f32 / c.episode_days as f32,
                };
                let mut user = encoded.as_ref().map_or_else(Vec::new, |e| e[i].clone());
                let features = self.user_features.get(users[i]).map_or(&[][..], Vec::as_slice);
                user.extend_from_slice(features);
                state::observe(moment, &user)
            })
            .collect()
    }

    /// Raw or scaled outcomes, as rewarded.
    fn scale(&self, outcome: &Outcome) -> Outcome {
        if self.config.scale_reward { self.world.scale(outcome) } else { *outcome }
    }

    /// The world user of the current episode.
    pub fn user(&self) -> usize {
        self.slots[self.focus].episode.user()
    }

    /// The grid weights (ties broken by `simplex::argmax`) maximising the expected λ-scalarised
    /// reward of the next slate under the true ranking, and that value.
    fn oracle(&self, lambda: &[f32]) -> (&[f64], f64) {
        let ctx = self.context();
        let y: Vec<Outcome> = self
            .episode()
            .candidates()
            .iter()
            .map(|&i| self.world.expected(self.user(), ctx, i))
            .collect();
        let z: Vec<Outcome> = y.iter().map(|v| self.world.standardise(v)).collect();
        let lambda: Vec<f64> = lambda.iter().map(|&l| f64::from(l)).collect();
        let values: Vec<f64> = self
            .grid
            .iter()
            .map(|w| {
                let chosen = top_slate(&z, w, self.slate_size());
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

impl Simulator {
    /// The key of an episode started from `rng` ([`Environment::reset_slot`]): a seed, then a
    /// uniformly drawn user of `n_users`. Evaluation episode `e` under seed `s` is the key of
    /// `worker_rng(s, e)`, so other code (the oracle ladder) can run the same episodes.
    pub fn episode_key(rng: &mut DeepRng, n_users: usize) -> EpisodeKey {
        let seed: u64 = rng.random();
        let user = rng.random_range(0..n_users);
        EpisodeKey { seed, user, episode: 0 }
    }

    /// The keys of the `n` episodes an evaluation with `seed` plays in `world`
    /// (`rollout::evaluate`: episode `e` starts from `worker_rng(seed, e)`).
    pub fn evaluation_keys(world: &World, seed: u64, n: usize) -> Vec<EpisodeKey> {
        let users = world.users().len();
        (0..n)
            .map(|e| Self::episode_key(&mut deepprl_core::rng::worker_rng(seed, e), users))
            .collect()
    }

    /// The slates of `slots` under the truth: [`World::true_slate`] of each weight vector.
    fn true_slates(
        &self,
        slots: &[usize],
        weights: &[[f64; K]],
    ) -> Vec<(Vec<usize>, Vec<Outcome>)> {
        let mut buffers = SlateBuffers::default();
        slots
            .iter()
            .zip(weights)
            .map(|(&s, w)| {
                self.world.true_slate(&self.slots[s].episode, w, &mut buffers);
                (buffers.slate.clone(), buffers.shown.clone())
            })
            .collect()
    }

    /// The slates of `slots` ranked by `scorer`'s predictions (one call for all of them), with
    /// the items' true expected outcomes.
    ///
    /// # Panics
    /// If the scorer answers with another number of predictions than candidates.
    fn scored_slates(
        &self,
        scorer: &dyn SlateScorer,
        slots: &[usize],
        weights: &[[f64; K]],
    ) -> Vec<(Vec<usize>, Vec<Outcome>)> {
        let requests: Vec<Request<'_>> = slots
            .iter()
            .map(|&s| {
                let Slot { episode, history } = &self.slots[s];
                let (user, context, time) = (episode.user(), episode.context(), episode.time());
                Request { user, context, time, history }
            })
            .collect();
        let candidates: Vec<&[usize]> =
            slots.iter().map(|&s| self.slots[s].episode.candidates()).collect();
        let scores = scorer.score_batch(&requests, &candidates);
        scores
            .iter()
            .zip(&candidates)
            .zip(slots.iter().zip(weights))
            .map(|((z, c), (&s, w))| {
                assert_eq!(
                    z.len(),
                    c.len(),
                    "Simulator::step: scorer `{}` answered {} predictions for {} candidates",
                    scorer.name(),
                    z.len(),
                    c.len()
                );
                let slate: Vec<usize> =
                    top_slate(z, w, self.slate_size()).iter().map(|&i| c[i]).collect();
                let ep = &self.slots[s].episode;
                let mut expected = Vec::with_capacity(slate.len());
                self.world.expected_all(ep.user(), ep.context(), &slate, &mut expected);
                (slate, expected)
            })
            .collect()
    }
}

impl Environment for Simulator {
    fn n_objectives(&self) -> usize {
        K
    }

    fn state_dim(&self) -> usize {
        CALENDAR + self.d_user() + PROGRESS
    }

    /// Starts an episode of a uniformly drawn user, keyed by a seed drawn from `rng`.
    fn reset(&mut self, rng: &mut DeepRng) -> Vec<f32> {
        self.reset_slot(self.focus, rng)
    }

    /// # Panics
    /// If the scorer answers with another number of predictions than candidates, or the episode
    /// has ended (reset first).
    fn step(&mut self, weights: &[f32], rng: &mut DeepRng) -> Step {
        let slot = self.focus;
        let mut steps = self.step_slots(&[slot], &[weights.to_vec()], std::slice::from_mut(rng));
        steps.pop().expect("one step per slot")
    }

    /// Any number.
    fn max_slots(&self) -> usize {
        usize::MAX
    }

    /// # Panics
    /// If `slot` was never started.
    fn focus(&mut self, slot: usize) {
        assert!(slot < self.slots.len(), "Simulator::focus: slot {slot} was never started");
        self.focus = slot;
    }

    /// As [`Environment::reset`], in `slot` (slots are added as they are first started).
    fn reset_slot(&mut self, slot: usize, rng: &mut DeepRng) -> Vec<f32> {
        let key = Self::episode_key(rng, self.world.users().len());
        let user = key.user;
        let episode = self.world.begin(key);
        let history = self.logged.get(user).cloned().unwrap_or_default();
        if slot >= self.slots.len() {
            self.slots.resize(slot + 1, self.slots[0].clone());
        }
        self.slots[slot] = Slot { episode, history };
        self.observe(&[slot]).pop().expect("one state per slot")
    }

    /// One scorer call ([`SlateScorer::score_batch`]) and one encoder call
    /// ([`UserEncoder::encode_batch`]) for all `slots`.
    ///
    /// # Panics
    /// If the scorer answers with another number of predictions than candidates, or an
    /// episode has ended (reset first).
    fn step_slots(
        &mut self,
        slots: &[usize],
        weights: &[Vec<f32>],
        _rngs: &mut [DeepRng],
    ) -> Vec<Step> {
        let weights: Vec<[f64; K]> =
            weights.iter().map(|w| std::array::from_fn(|k| f64::from(w[k]))).collect();
        let shown = match &self.scorer {
            Some(scorer) => self.scored_slates(scorer.as_ref(), slots, &weights),
            None => self.true_slates(slots, &weights),
        };
        let mut out: Vec<(Vec<f32>, Vec<f64>, bool)> = Vec::with_capacity(slots.len());
        for (&s, (slate, expected)) in slots.iter().zip(&shown) {
            let Slot { episode, history } = &mut self.slots[s];
            let time = episode.time();
            let step = self.world.advance_expected(episode, slate, expected);
            // The log's item vocabulary is the world index + 1; the slate is shown at one time.
            for (&item, o) in slate.iter().zip(&step.outcomes) {
                history.push(item + 1, &o.map(|v| v as f32), time);
            }
            let (reward, expected) = if self.config.scale_reward {
                (step.reward, step.expected_reward)
            } else {
                (mean_of(&step.outcomes), mean_of(expected))
            };
            out.push((reward.map(|x| x as f32).to_vec(), expected.to_vec(), step.done));
        }
        let states = self.observe(slots);
        out.into_iter()
            .zip(states)
            .map(|((reward, expected, done), next_state)| Step {
                reward,
                expected_reward: Some(expected),
                next_state,
                done,
            })
            .collect()
    }

    /// The expected λ-scalarised reward of the next slate ranked by the best grid weights under
    /// the truth (scaled like the reward): the myopic oracle.
    fn oracle_value(&self, lambda: &[f32]) -> Option<f32> {
        Some(self.oracle(lambda).1 as f32)
    }

    fn oracle_weights(&self, lambda: &[f32]) -> Option<Vec<f32>> {
        Some(self.oracle(lambda).0.iter().map(|&v| v as f32).collect())
    }

    fn hour(&self) -> Option<u8> {
        Some(self.context().hour as u8)
    }

    fn segment(&self) -> Option<usize> {
        Some(self.world.users()[self.user()].segment)
    }

    fn episode(&self) -> Option<&Episode> {
        Some(Simulator::episode(self))
    }

    /// The fraction of the days after the first on which the user of the episode started a
    /// session (so far, and in full once the episode is done).
    fn return_rate(&self) -> Option<f64> {
        let days = self.world.config().episode_days;
        (days > 1).then(|| (self.episode().sessions() - 1) as f64 / (days - 1) as f64)
    }
}

#[cfg(test)]
mod tests;
