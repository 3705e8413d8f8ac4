//! Episodes: one user's sessions over `episode_days` days, the unit of the λ-return.
//!
//! Day 0 always has a session, started at the reference satisfaction
//! (`dynamics.satisfaction_reference`). A session lasts until the user leaves or
//! `log.max_steps` steps; on each later day the user starts one session with the return
//! probability of their satisfaction, relaxed towards the reference by `daily_decay` per day
//! since the last session. A session's start hour is the user's activity peak plus `log.hour_spread` times a
//! standard normal (as in the generated log). The return sums every step of every session,
//! discounted by `gamma_eval` per step: `Σ_t γ^t r_t` with `r_t` the slate's mean outcome
//! scaled by [`World::scale`].
//!
//! Every draw is keyed by the episode's key and the day and step ([`super::Draws`]), so two
//! policies meet the same candidates, start hours and noise wherever their paths coincide.
//!
//! ```
//! use deepprl_data::world::{EpisodeKey, World, WorldConfig};
//! let world = World::new(&WorldConfig::small())?;
//! let key = EpisodeKey { seed: 7, user: 3, episode: 0 };
//! let uniform = world.run_episode(key, |_| [1.0 / 3.0; 3]);
//! assert_eq!(uniform, world.run_episode(key, |_| [1.0 / 3.0; 3]));
//! assert!(uniform.steps >= 1 && uniform.sessions >= 1);
//! # Ok::<(), deepprl_data::Error>(())
//! ```

use super::{Context, Draws, K, Key, Outcome, Purpose, UserState, World};
use crate::time;
use deepprl_core::rank::top_n_into;
use ndarray_rand::rand::Rng;
use ndarray_rand::rand::seq::index::sample;
use ndarray_rand::rand_distr::StandardNormal;

/// Which episode: the seed of a set of episodes, the world user and the user's episode number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EpisodeKey {
    /// Seed of the set of episodes (selection and evaluation sets differ by seed).
    pub seed: u64,
    /// The world user.
    pub user: usize,
    /// The user's episode number within the set.
    pub episode: u64,
}

/// An episode in progress.
#[derive(Debug, Clone, PartialEq)]
pub struct Episode {
    key: EpisodeKey,
    day: usize,
    state: UserState,
    t: usize,
    sessions: usize,
    done: bool,
    candidates: Vec<usize>,
}

impl Episode {
    /// The key.
    pub fn key(&self) -> EpisodeKey {
        self.key
    }

    /// The world user.
    pub fn user(&self) -> usize {
        self.key.user
    }

    /// Day of the current session, `0..episode_days`.
    pub fn day(&self) -> usize {
        self.day
    }

    /// The time of the next request, Unix seconds (the world's local time is UTC).
    pub fn time(&self) -> i64 {
        self.state.time
    }

    /// Steps taken in the current session.
    pub fn step_in_session(&self) -> usize {
        self.state.steps
    }

    /// Steps taken in the episode: the discount exponent of the next step.
    pub fn steps(&self) -> usize {
        self.t
    }

    /// Sessions started so far (day 0's included).
    pub fn sessions(&self) -> usize {
        self.sessions
    }

    /// The context of the next request (hour and the hidden satisfaction).
    pub fn context(&self) -> Context {
        self.state.context()
    }

    /// The candidates of the next request.
    pub fn candidates(&self) -> &[usize] {
        &self.candidates
    }

    /// Whether the episode has ended.
    pub fn done(&self) -> bool {
        self.done
    }

    fn draw_key(&self) -> Key {
        let k = self.key;
        Key {
            seed: k.seed,
            user: k.user as u64,
            episode: k.episode,
            day: self.day as u64,
            step: self.state.steps as u64,
            slot: 0,
        }
    }
}

/// What one step of an episode returned.
#[derive(Debug, Clone, PartialEq)]
pub struct EpisodeStep {
    /// Realised outcomes of each slate item, in slate order.
    pub outcomes: Vec<Outcome>,
    /// The slate's mean realised outcome, scaled ([`World::scale`]): the reward.
    pub reward: Outcome,
    /// The slate's mean expected outcome in the state it was shown in, scaled: the reward's
    /// conditional expectation, a lower-variance estimate of the same return.
    pub expected_reward: Outcome,
    /// The context the slate was shown in.
    pub context: Context,
    /// `gamma_eval^t` of this step.
    pub discount: f64,
    /// Whether the session ended after this step.
    pub session_ended: bool,
    /// Whether the episode ended after this step.
    pub done: bool,
}

/// Totals of one episode (or of its steps so far).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct EpisodeTotals {
    /// `Σ_t γ^t` of the expected rewards, per objective.
    pub discounted: Outcome,
    /// `Σ_t γ^t` of the realised rewards, per objective.
    pub realised: Outcome,
    /// Steps.
    pub steps: usize,
    /// Sessions (day 0's included).
    pub sessions: usize,
}

impl EpisodeTotals {
    /// The fraction of the days after the first on which the user started a session.
    pub fn return_rate(&self, episode_days: usize) -> f64 {
        if episode_days <= 1 {
            return 0.0;
        }
        (self.sessions - 1) as f64 / (episode_days - 1) as f64
    }
}

impl World {
    /// Unix time of the first day of episodes: the day after the generated log ends.
    fn episode_start(&self) -> i64 {
        let l = &self.cfg.log;
        time::parse_datetime(&l.start_date).expect("validated") + l.days as i64 * 86_400
    }

    /// Start time of `user`'s session on `day` from `day_start` (Unix seconds), keyed by `key`:
    /// the activity peak plus `log.hour_spread` standard normals, on the circle.
    pub(super) fn session_start(&self, user: usize, day_start: i64, key: Key) -> i64 {
        let z: f64 = Draws::new(key, Purpose::StartHour).sample(StandardNormal);
        let hour = (self.users[user].active_peak + self.cfg.log.hour_spread * z).rem_euclid(24.0);
        day_start + (hour * 3600.0) as i64
    }

    /// The candidates of a request keyed by `key`: `log.candidates` distinct items, uniformly.
    pub(super) fn draw_candidates(&self, key: Key) -> Vec<usize> {
        let mut draws = Draws::new(key, Purpose::Candidates);
        sample(&mut draws, self.items.len(), self.cfg.log.candidates).into_vec()
    }

    fn open_session(&self, ep: &mut Episode, satisfaction: f64) {
        let key = Key { step: 0, ..ep.draw_key() };
        let day_start = self.episode_start() + ep.day as i64 * 86_400;
        let start = self.session_start(ep.key.user, day_start, key);
        ep.state = UserState::new(ep.key.user, start, satisfaction);
        ep.sessions += 1;
        ep.candidates = self.draw_candidates(ep.draw_key());
    }

    /// Starts episode `key`: day 0's session at the reference satisfaction.
    ///
    /// # Panics
    /// If `key.user` is out of range.
    pub fn begin(&self, key: EpisodeKey) -> Episode {
        assert!(key.user < self.users.len(), "World::begin: user {} out of range", key.user);
        let mut ep = Episode {
            key,
            day: 0,
            state: UserState::new(key.user, 0, 0.0),
            t: 0,
            sessions: 0,
            done: false,
            candidates: Vec::new(),
        };
        self.open_session(&mut ep, self.cfg.dynamics.satisfaction_reference);
        ep
    }

    /// Shows `slate` (items of the world, normally some of [`Episode::candidates`]) and moves
    /// the episode on: to the session's next step, or to the next day with a session, or to
    /// its end.
    ///
    /// # Panics
    /// If the episode has ended or an item is out of range.
    pub fn advance(&self, ep: &mut Episode, slate: &[usize]) -> EpisodeStep {
        assert!(!ep.done, "World::advance: the episode has ended");
        let mut expected = Vec::with_capacity(slate.len());
        self.expected_all(ep.key.user, ep.context(), slate, &mut expected);
        self.advance_expected(ep, slate, &expected)
    }

    /// [`World::advance`] given the expected outcomes of the slate's items in the current
    /// state (`expected[i]` of `slate[i]`), as a caller that ranked by them already has
    /// ([`World::true_slate`]).
    pub fn advance_expected(
        &self,
        ep: &mut Episode,
        slate: &[usize],
        items: &[Outcome],
    ) -> EpisodeStep {
        let ctx = ep.context();
        let mut expected = [0.0; K];
        for y in items {
            (0..K).for_each(|k| expected[k] += y[k] / slate.len() as f64);
        }
        let key = ep.draw_key();
        let step = self.step(&mut ep.state, slate, key);
        let mut realised = [0.0; K];
        for o in &step.outcomes {
            (0..K).for_each(|k| realised[k] += o[k] / step.outcomes.len() as f64);
        }
        let discount = self.cfg.gamma_eval.powi(ep.t as i32);
        ep.t += 1;
        let session_ended = step.left || ep.state.steps >= self.cfg.log.max_steps;
        if session_ended {
            let mut s = ep.state.satisfaction;
            loop {
                ep.day += 1;
                if ep.day >= self.cfg.episode_days {
                    ep.done = true;
                    break;
                }
                s = self.decayed(s, 1);
                let key = Key { step: 0, ..ep.draw_key() };
                if Draws::new(key, Purpose::Return).random::<f64>() < self.return_probability(s) {
                    self.open_session(ep, s);
                    break;
                }
            }
        } else {
            ep.candidates = self.draw_candidates(ep.draw_key());
        }
        EpisodeStep {
            outcomes: step.outcomes,
            reward: self.scale(&realised),
            expected_reward: self.scale(&expected),
            context: ctx,
            discount,
            session_ended,
            done: ep.done,
        }
    }

    /// The slate of `ep`'s request under the true ranking with weights `w`: the candidates by
    /// descending `w · z(E[y])` with the world's true standardised expected outcomes, the top
    /// `log.slate_size` (ties by position among the candidates; scores equal up to rounding may
    /// order either way, as the ranking is computed without the constant of the
    /// standardisation). Fills `slate` with the items and `shown` with their expected outcomes,
    /// for [`World::advance_expected`]; `expected`, `scores` and `order` are work space.
    pub fn true_slate(&self, ep: &Episode, w: &[f64; K], buffers: &mut SlateBuffers) {
        // `w · z(y) = Σ_k (w_k / std_k) y_k − const`: ranking by the scaled weights over raw
        // expectations is the same ranking, without standardising every candidate.
        let ws: [f64; K] = std::array::from_fn(|k| w[k] * self.inv_std[k]);
        let SlateBuffers { expected, scores, order, slate, shown } = buffers;
        self.expected_all(ep.key.user, ep.context(), &ep.candidates, expected);
        scores.clear();
        scores.extend(expected.iter().map(|y| (0..K).map(|k| ws[k] * y[k]).sum::<f64>()));
        top_n_into(scores, self.cfg.log.slate_size, order);
        slate.clear();
        slate.extend(order.iter().map(|&j| ep.candidates[j]));
        shown.clear();
        shown.extend(order.iter().map(|&j| expected[j]));
    }

    /// Runs episode `key` to its end, showing at each request the [`World::true_slate`] of the
    /// weights `weights(episode)`.
    pub fn run_episode(
        &self,
        key: EpisodeKey,
        mut weights: impl FnMut(&Episode) -> [f64; K],
    ) -> EpisodeTotals {
        let mut ep = self.begin(key);
        let mut totals = EpisodeTotals::default();
        let mut buffers = SlateBuffers::default();
        while !ep.done {
            let w = weights(&ep);
            self.true_slate(&ep, &w, &mut buffers);
            let step = self.advance_expected(&mut ep, &buffers.slate, &buffers.shown);
            for k in 0..K {
                totals.discounted[k] += step.discount * step.expected_reward[k];
                totals.realised[k] += step.discount * step.reward[k];
            }
        }
        totals.steps = ep.t;
        totals.sessions = ep.sessions;
        totals
    }
}

/// The slate of [`World::true_slate`] and its work space, reused from request to request.
#[derive(Debug, Clone, Default)]
pub struct SlateBuffers {
    expected: Vec<Outcome>,
    scores: Vec<f64>,
    order: Vec<usize>,
    /// The slate's items, best first.
    pub slate: Vec<usize>,
    /// Their expected outcomes in the request's state.
    pub shown: Vec<Outcome>,
}
