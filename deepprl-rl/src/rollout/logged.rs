//! Evaluation on logged data: every episode once, re-ranked by the policy's weights, with the
//! ranking metrics of docs/DESIGN.md §5; and the grid choice of fixed weights on logged data.

use super::BucketWeights;
use crate::env::{Environment, LoggedReranking};
use deepprl_core::rng::seeded;
use deepprl_core::simplex;
use deepprl_models::WeightPolicy;
use deepprl_models::metrics::{ndcg_at_k, top_k_mean};
use ndarray::Array2;
use serde::Serialize;

/// What a policy's re-ranking of logged requests earns.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoggedEvaluation {
    /// NDCG@k per objective with the realised raw outcome as gain, averaged over the requests
    /// where some candidate has a positive outcome of that objective (NDCG is undefined
    /// elsewhere); NaN when no request has one.
    pub ndcg: Vec<f64>,
    /// Mean realised raw outcome of the top k per objective, averaged over all requests.
    pub top_k_mean: Vec<f64>,
    /// Mean reward per request of each objective: the standardised mean realised outcome of
    /// the environment's top N (which may differ from k). λ-free; see
    /// [`LoggedEvaluation::scalarised`].
    pub mean_reward: Vec<f64>,
    /// Mean chosen weights per hour of day (24 entries, `None` for hours without requests).
    pub weights_by_hour: Vec<Option<Vec<f64>>>,
    /// Mean chosen weights over every request.
    pub mean_weights: Vec<f64>,
    /// Requests evaluated (all of the environment's).
    pub requests: usize,
}

impl LoggedEvaluation {
    /// The λ-scalarised mean reward per request, `Σ_k λ_k mean_reward_k`.
    pub fn scalarised(&self, lambda: &[f32]) -> f64 {
        self.mean_reward.iter().zip(lambda).map(|(&r, &l)| r * f64::from(l)).sum()
    }
}

fn check_lambda(env: &LoggedReranking, lambda: &[f32]) -> crate::Result<()> {
    let k = env.n_objectives();
    if lambda.len() != k {
        return Err(crate::Error::Shape(format!(
            "λ has {} entries for {k} objectives",
            lambda.len()
        )));
    }
    Ok(())
}

fn dot(reward: &[f32], lambda: &[f32]) -> f64 {
    reward.iter().zip(lambda).map(|(&r, &l)| f64::from(r) * f64::from(l)).sum()
}

/// Visits every episode of `env` once, in order, re-ranking each request with `policy`'s greedy
/// weights; ranking metrics at `k`. Deterministic.
///
/// # Errors
/// If `k` is 0 or the policy rejects a state.
pub fn evaluate_logged(
    env: &mut LoggedReranking,
    policy: &mut dyn WeightPolicy,
    k: usize,
) -> crate::Result<LoggedEvaluation> {
    if k == 0 {
        return Err(crate::Error::config("k", "must be at least 1, got 0"));
    }
    let n_obj = env.n_objectives();
    let (mut ndcg, mut ndcg_n) = (vec![0.0; n_obj], vec![0usize; n_obj]);
    let (mut top, mut reward) = (vec![0.0; n_obj], vec![0.0; n_obj]);
    let mut requests = 0usize;
    let mut hourly = BucketWeights::default();
    let rng = &mut seeded(0);
    for e in 0..env.n_episodes() {
        let mut state = env.start_episode(e);
        loop {
            let s = Array2::from_shape_vec((1, state.len()), state).expect("one row");
            let w = policy.act(&s, false)?.row(0).to_vec();
            let request = env.request().expect("a request until the episode ends");
            hourly.add_hour(Some(request.hour), &w);
            let u = request.utilities(&w);
            for j in 0..n_obj {
                let gains: Vec<f64> = request.outcomes.iter().map(|y| f64::from(y[j])).collect();
                if let Some(v) = ndcg_at_k(&u, &gains, k) {
                    ndcg[j] += v;
                    ndcg_n[j] += 1;
                }
                top[j] += top_k_mean(&u, &gains, k).expect("requests are not empty");
            }
            let step = env.step(&w, rng);
            reward.iter_mut().zip(&step.reward).for_each(|(a, &r)| *a += f64::from(r));
            requests += 1;
            if step.done {
                break;
            }
            state = step.next_state;
        }
    }
    let n = requests.max(1) as f64;
    Ok(LoggedEvaluation {
        ndcg: ndcg
            .iter()
            .zip(&ndcg_n)
            .map(|(s, &c)| if c > 0 { s / c as f64 } else { f64::NAN })
            .collect(),
        top_k_mean: top.iter().map(|t| t / n).collect(),
        mean_reward: reward.iter().map(|r| r / n).collect(),
        mean_weights: hourly.mean(),
        weights_by_hour: hourly.finish(24),
        requests,
    })
}

/// The fixed weights of `grid` (the first on ties) with the highest mean λ-scalarised reward per
/// request over every request of `env` (e.g. the validation episodes), and that reward — the
/// `grid` baseline of docs/DESIGN.md §4 on logged data. The score of `w` is
/// [`LoggedEvaluation::scalarised`] of [`evaluate_logged`] for static weights `w` (up to
/// rounding: this sums λ-scalarised rewards request by request).
///
/// # Errors
/// If the grid is empty or λ does not have one entry per objective.
pub fn best_static_logged(
    env: &LoggedReranking,
    grid: &[Vec<f32>],
    lambda: &[f32],
) -> crate::Result<(Vec<f32>, f64)> {
    check_lambda(env, lambda)?;
    if grid.is_empty() {
        return Err(crate::Error::config("grid", "is empty"));
    }
    let n = env.n_requests() as f64;
    Ok(simplex::best_on_grid(grid, |w| {
        env.episodes().iter().flatten().map(|r| dot(&env.reward(r, w), lambda)).sum::<f64>() / n
    }))
}
