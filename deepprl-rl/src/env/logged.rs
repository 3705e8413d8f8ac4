//! Logged re-ranking (docs/DESIGN.md §3.5, offline): each logged request of a user offers the items
//! that user was shown, with a predictor's standardised scores and the realised outcomes; the
//! policy's weights re-rank them by `Σ_k w_k ŷ_k` (ties in logged order) and the reward is the
//! mean realised outcome of the top N, standardised per objective so λ weighs objectives on one
//! scale.
//!
//! An episode is one user's requests in time order; the next state comes from the user's next
//! logged request whatever the policy did, so this measures short-term effects honestly and
//! long-term effects only weakly (the policy cannot change what the user does next).
//! The state has the simulator's layout (docs/DESIGN.md §3.4): `[hour, weekday (sin, cos) |
//! the request's user encoding (the frozen MoH's SA-Time-LSTM over the user's logged history
//! before the request and the user embedding, [`LoggedRequest::user_state`]) and user features
//! | position in the episode, days since its first request]`, the progress capped at 200
//! requests and 7 days.
//!
//! Training resets draw a random episode; evaluation visits each episode once through
//! [`LoggedReranking::start_episode`] (see [`crate::rollout::evaluate_logged`]).
//!
//! ```
//! use deepprl_rl::env::{Environment, LoggedRequest, LoggedReranking};
//! let request = LoggedRequest {
//!     hour: 9,
//!     scores: vec![vec![1.0, -1.0], vec![-1.0, 1.0]],
//!     outcomes: vec![vec![1.0, 0.0], vec![0.0, 1.0]],
//!     ..LoggedRequest::default()
//! };
//! let mut env = LoggedReranking::new(vec![vec![request]], Vec::new(), 1, vec![(0.0, 1.0); 2])?;
//! env.start_episode(0);
//! let step = env.step(&[0.2, 0.8], &mut deepprl_core::rng::seeded(0));
//! assert_eq!(step.reward, vec![0.0, 1.0]); // the second item comes first
//! assert!(step.done);
//! # Ok::<(), deepprl_rl::Error>(())
//! ```

use super::state::{self, CALENDAR, HOURS, Moment, PROGRESS};
use super::{Environment, Step};
use crate::dcrl::StateLayout;
use deepprl_core::rng::DeepRng;
use deepprl_models::metrics::rank_desc;
use ndarray_rand::rand::Rng;
use std::sync::Arc;

/// Requests at which the progress column "position in the episode" reaches 1.
const PROGRESS_REQUESTS: f32 = 200.0;
/// Days at which the progress column "days since the episode's first request" reaches 1.
const PROGRESS_DAYS: f32 = 7.0;

/// One logged request: the candidates a user was shown at one time.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LoggedRequest {
    /// Row of the user in the environment's user features.
    pub user: usize,
    /// Hour of day, 0..=23.
    pub hour: u8,
    /// Weekday, Monday = 0 ..= Sunday = 6.
    pub weekday: u8,
    /// Time of the request, Unix seconds.
    pub time: i64,
    /// The user's encoding at this request (its logged history before it), the same width for
    /// every request; empty for a state without one.
    pub user_state: Vec<f32>,
    /// Standardised predicted outcomes per candidate, `[candidates][K]`.
    pub scores: Vec<Vec<f32>>,
    /// Realised raw outcomes per candidate (>= 0), `[candidates][K]`.
    pub outcomes: Vec<Vec<f32>>,
}

impl LoggedRequest {
    /// `U(i) = Σ_k w_k ŷ_{i,k}` per candidate.
    pub fn utilities(&self, weights: &[f32]) -> Vec<f64> {
        self.scores
            .iter()
            .map(|s| s.iter().zip(weights).map(|(&y, &w)| f64::from(y) * f64::from(w)).sum())
            .collect()
    }
}

/// The logged re-ranking environment.
#[derive(Debug, Clone)]
pub struct LoggedReranking {
    episodes: Arc<[Vec<LoggedRequest>]>,
    user_features: Arc<[Vec<f32>]>,
    d_user: usize,
    top_n: usize,
    reward_stats: Vec<(f64, f64)>,
    /// `(episode, position)` of each episode in progress.
    cursors: Vec<(usize, usize)>,
    /// The slot of the single-episode methods and [`LoggedReranking::start_episode`]
    /// ([`Environment::focus`]).
    focus: usize,
}

impl LoggedReranking {
    /// Episodes (each a user's requests in time order), per-user features (all of one width, or
    /// empty for a state without a user part), the number `top_n` of re-ranked items rewarded,
    /// and per objective the `(mean, std)` standardising the reward; K is `reward_stats.len()`.
    ///
    /// # Errors
    /// [`crate::Error::Config`] naming what is wrong: no episodes, an empty episode or request,
    /// a row of another width than K, a score that is not finite or an outcome that is negative
    /// or not finite, an hour past 23, a user without features, `top_n` of 0, or a std that is
    /// not positive, a weekday past 6, or user encodings of different widths.
    pub fn new(
        episodes: Vec<Vec<LoggedRequest>>,
        user_features: Vec<Vec<f32>>,
        top_n: usize,
        reward_stats: Vec<(f64, f64)>,
    ) -> crate::Result<Self> {
        let bad = |key: &str, reason: String| Err(crate::Error::config(key, reason));
        let k = reward_stats.len();
        if k == 0 || reward_stats.iter().any(|&(m, s)| !(m.is_finite() && s.is_finite() && s > 0.0))
        {
            return bad(
                "reward_stats",
                format!("need a finite mean and std > 0 per objective, got {reward_stats:?}"),
            );
        }
        if top_n == 0 {
            return bad("top_n", "must be at least 1, got 0".into());
        }
        if episodes.is_empty() {
            return bad("episodes", "there are none".into());
        }
        let d_features = user_features.first().map_or(0, Vec::len);
        if user_features.iter().any(|f| f.len() != d_features) {
            return bad("user_features", "vectors differ in width".into());
        }
        let d_state = episodes.first().and_then(|e| e.first()).map_or(0, |r| r.user_state.len());
        let d_user = d_state + d_features;
        for (e, episode) in episodes.iter().enumerate() {
            if episode.is_empty() {
                return bad("episodes", format!("episode {e} has no request"));
            }
            for (t, r) in episode.iter().enumerate() {
                let at = format!("episode {e}, request {t}");
                if r.scores.is_empty() || r.scores.len() != r.outcomes.len() {
                    return bad(
                        "episodes",
                        format!("{at}: needs as many scores as outcomes, at least one"),
                    );
                }
                if r.scores.iter().chain(&r.outcomes).any(|row| row.len() != k) {
                    return bad("episodes", format!("{at}: a row does not have {k} objectives"));
                }
                if r.scores.iter().flatten().any(|s| !s.is_finite()) {
                    return bad("episodes", format!("{at}: a score is not finite"));
                }
                if r.outcomes.iter().flatten().any(|y| !(y.is_finite() && *y >= 0.0)) {
                    return bad("episodes", format!("{at}: an outcome is negative or not finite"));
                }
                if usize::from(r.hour) >= HOURS {
                    return bad("episodes", format!("{at}: hour {} is past 23", r.hour));
                }
                if r.weekday > 6 {
                    return bad("episodes", format!("{at}: weekday {} is past 6", r.weekday));
                }
                if r.user_state.len() != d_state {
                    return bad(
                        "episodes",
                        format!(
                            "{at}: a user encoding of {} values, not {d_state}",
                            r.user_state.len()
                        ),
                    );
                }
                if d_features > 0 && r.user >= user_features.len() {
                    return bad("user_features", format!("{at}: user {} has none", r.user));
                }
            }
        }
        Ok(Self {
            episodes: episodes.into(),
            user_features: user_features.into(),
            d_user,
            top_n,
            reward_stats,
            cursors: vec![(0, 0)],
            focus: 0,
        })
    }

    /// Which state columns are context and user.
    pub fn layout(&self) -> StateLayout {
        state::layout(self.d_user)
    }

    /// Width of the user features, the end of the state's user part
    /// ([`StateLayout::features`]).
    pub fn d_features(&self) -> usize {
        self.user_features.first().map_or(0, Vec::len)
    }

    /// The episodes.
    pub fn episodes(&self) -> &[Vec<LoggedRequest>] {
        &self.episodes
    }

    /// Number of episodes.
    pub fn n_episodes(&self) -> usize {
        self.episodes.len()
    }

    /// Number of requests over all episodes.
    pub fn n_requests(&self) -> usize {
        self.episodes.iter().map(Vec::len).sum()
    }

    /// Items rewarded per request.
    pub fn top_n(&self) -> usize {
        self.top_n
    }

    /// Starts episode `episode` (instead of a random one, as [`Environment::reset`] does) and
    /// returns its first state.
    ///
    /// # Panics
    /// If `episode` is out of range.
    pub fn start_episode(&mut self, episode: usize) -> Vec<f32> {
        assert!(
            episode < self.episodes.len(),
            "LoggedReranking::start_episode: episode {episode} of {}",
            self.episodes.len()
        );
        self.start_in(self.focus, episode)
    }

    fn start_in(&mut self, slot: usize, episode: usize) -> Vec<f32> {
        if slot >= self.cursors.len() {
            self.cursors.resize(slot + 1, (0, 0));
        }
        self.cursors[slot] = (episode, 0);
        self.observe(episode, 0)
    }

    /// The request the next step re-ranks, `None` once the episode has ended.
    pub fn request(&self) -> Option<&LoggedRequest> {
        let (episode, position) = self.cursors[self.focus];
        self.episodes[episode].get(position)
    }

    /// The standardised mean realised outcome per objective of the top N of `request` ranked by
    /// `weights` (ties in logged order).
    pub fn reward(&self, request: &LoggedRequest, weights: &[f32]) -> Vec<f32> {
        let top: Vec<usize> =
            rank_desc(&request.utilities(weights)).into_iter().take(self.top_n).collect();
        self.reward_stats
            .iter()
            .enumerate()
            .map(|(k, &(mean, std))| {
                let y = top.iter().map(|&i| f64::from(request.outcomes[i][k])).sum::<f64>()
                    / top.len() as f64;
                ((y - mean) / std) as f32
            })
            .collect()
    }

    /// The state at request `position` of `episode` (its last request past the end).
    fn observe(&self, episode: usize, position: usize) -> Vec<f32> {
        let episode = &self.episodes[episode];
        let request = &episode[position.min(episode.len() - 1)];
        let days = (request.time - episode[0].time) as f32 / 86_400.0;
        let moment = Moment {
            hour: usize::from(request.hour),
            weekday: usize::from(request.weekday),
            step: (position as f32 / PROGRESS_REQUESTS).min(1.0),
            day: (days / PROGRESS_DAYS).clamp(0.0, 1.0),
        };
        let mut user = request.user_state.clone();
        user.extend_from_slice(self.user_features.get(request.user).map_or(&[][..], Vec::as_slice));
        state::observe(moment, &user)
    }
}

impl Environment for LoggedReranking {
    fn n_objectives(&self) -> usize {
        self.reward_stats.len()
    }

    fn state_dim(&self) -> usize {
        CALENDAR + self.d_user + PROGRESS
    }

    /// Starts a uniformly drawn episode.
    fn reset(&mut self, rng: &mut DeepRng) -> Vec<f32> {
        self.reset_slot(self.focus, rng)
    }

    /// # Panics
    /// If the episode has already ended.
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
        assert!(slot < self.cursors.len(), "LoggedReranking::focus: slot {slot} was never started");
        self.focus = slot;
    }

    /// As [`Environment::reset`], in `slot`.
    fn reset_slot(&mut self, slot: usize, rng: &mut DeepRng) -> Vec<f32> {
        let e = rng.random_range(0..self.episodes.len());
        self.start_in(slot, e)
    }

    /// # Panics
    /// If an episode has already ended.
    fn step_slots(
        &mut self,
        slots: &[usize],
        weights: &[Vec<f32>],
        _rngs: &mut [DeepRng],
    ) -> Vec<Step> {
        slots
            .iter()
            .zip(weights)
            .map(|(&slot, w)| {
                let (e, position) = self.cursors[slot];
                let episode = &self.episodes[e];
                let request = episode.get(position).expect("LoggedReranking::step: episode ended");
                let reward = self.reward(request, w);
                let done = position + 1 == episode.len();
                self.cursors[slot].1 = position + 1;
                Step {
                    next_state: self.observe(e, position + 1),
                    reward,
                    expected_reward: None,
                    done,
                }
            })
            .collect()
    }

    /// Logged data has no oracle.
    fn oracle_value(&self, _lambda: &[f32]) -> Option<f32> {
        None
    }

    fn hour(&self) -> Option<u8> {
        self.request().map(|r| r.hour)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use deepprl_core::rng::seeded;

    fn req(user: usize, hour: u8, scores: &[[f32; 2]], outcomes: &[[f32; 2]]) -> LoggedRequest {
        LoggedRequest {
            user,
            hour,
            scores: scores.iter().map(|s| s.to_vec()).collect(),
            outcomes: outcomes.iter().map(|s| s.to_vec()).collect(),
            ..LoggedRequest::default()
        }
    }

    #[test]
    fn steps_follow_the_log_and_reward_the_reranked_top_n() -> crate::Result<()> {
        let mut episode = vec![
            req(1, 8, &[[0.0, 2.0], [1.0, 0.0], [1.0, 0.0]], &[[0.0, 4.0], [1.0, 0.0], [1.0, 2.0]]),
            req(1, 22, &[[1.0, 1.0]], &[[1.0, 1.0]]),
        ];
        (episode[0].weekday, episode[0].time, episode[0].user_state) = (2, 1000, vec![3.0]);
        (episode[1].weekday, episode[1].time, episode[1].user_state) =
            (3, 1000 + 86_400, vec![4.0]);
        let features = vec![vec![0.5], vec![-0.5]];
        let mut env =
            LoggedReranking::new(vec![episode.clone()], features, 2, vec![(1.0, 2.0); 2])?;
        assert_eq!(env.layout(), StateLayout { dim: 8, user: Some(4..6), context: Some(0..4) });
        let s0 = env.start_episode(0);
        let at = |hour, weekday, step, day| Moment { hour, weekday, step, day };
        assert_eq!(s0, state::observe(at(8, 2, 0.0, 0.0), &[3.0, -0.5]));
        let mut ragged = episode.clone();
        ragged[1].user_state.clear();
        let err = LoggedReranking::new(vec![ragged], Vec::new(), 1, vec![(1.0, 2.0); 2]);
        assert!(matches!(err, Err(crate::Error::Config { .. })), "{err:?}");
        assert_eq!(env.hour(), Some(8));
        // Weights (1, 0): utilities (0, 1, 1), the tie kept in logged order: top 2 = items 1, 2.
        // Raw means (1, 1), standardised ((1 − 1) / 2, (1 − 1) / 2).
        let rng = &mut seeded(0);
        let a = env.step(&[1.0, 0.0], rng);
        assert_eq!((a.reward.clone(), a.done), (vec![0.0, 0.0], false));
        let next = state::observe(at(22, 3, 1.0 / 200.0, 1.0 / 7.0), &[4.0, -0.5]);
        assert_eq!(a.next_state, next, "the next request's calendar, encoding and progress");
        // Weights (0, 1) on the first request: items 0, then 1 (tie with 2 in logged order):
        // raw means (0.5, 2), standardised (−0.25, 0.5).
        let mut b = env.clone();
        b.start_episode(0);
        assert_eq!(b.step(&[0.0, 1.0], rng).reward, vec![-0.25, 0.5]);
        let last = env.step(&[0.5, 0.5], rng);
        assert!(last.done);
        assert_eq!(env.request(), None);
        // Past the end the state is the last request's, at the position past it.
        let end = state::observe(at(22, 3, 2.0 / 200.0, 1.0 / 7.0), &[4.0, -0.5]);
        assert_eq!(last.next_state, end);
        Ok(())
    }

    #[test]
    fn resets_draw_episodes_by_seed_and_bad_logs_are_rejected() -> crate::Result<()> {
        let episodes: Vec<_> =
            (0..5).map(|u| vec![req(u, u as u8, &[[0.0, 0.0]], &[[0.0, 0.0]])]).collect();
        let env = LoggedReranking::new(episodes.clone(), Vec::new(), 1, vec![(0.0, 1.0); 2])?;
        let draw = |seed| {
            let mut e = env.clone();
            let rng = &mut seeded(seed);
            let hour_of = |s: Vec<f32>| {
                (0..24).find(|&h| {
                    let m = Moment { hour: h, weekday: 0, step: 0.0, day: 0.0 };
                    state::observe(m, &[])[..2] == s[..2]
                })
            };
            (0..20).map(|_| hour_of(e.reset(rng))).collect::<Vec<_>>()
        };
        assert_eq!(draw(1), draw(1));
        let hours = draw(1);
        assert!((0..5).all(|h| hours.contains(&Some(h))), "every episode is drawn: {hours:?}");
        let mut negative = episodes.clone();
        negative[2][0].outcomes[0][1] = -1.0;
        let mut wide = episodes.clone();
        wide[0][0].scores[0].push(0.0);
        for (log, stats, top_n) in [
            (negative, vec![(0.0, 1.0); 2], 1),
            (wide, vec![(0.0, 1.0); 2], 1),
            (episodes.clone(), vec![(0.0, 0.0); 2], 1),
            (episodes.clone(), vec![(0.0, 1.0); 2], 0),
            (vec![Vec::new()], vec![(0.0, 1.0); 2], 1),
        ] {
            let err = LoggedReranking::new(log, Vec::new(), top_n, stats);
            assert!(matches!(err, Err(crate::Error::Config { .. })), "{err:?}");
        }
        let missing = LoggedReranking::new(episodes, vec![vec![1.0]], 1, vec![(0.0, 1.0); 2]);
        assert!(matches!(missing, Err(crate::Error::Config { .. })));
        Ok(())
    }
}
