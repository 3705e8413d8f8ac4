//! Stage B by logged re-ranking (docs/DESIGN.md §3.5): the method's predictor scores each
//! logged request's impressions, its policy's weights re-rank them, and the realised outcomes
//! of the top N are the reward. Learning policies and the grid policy learn on the validation
//! slice's requests; every method is evaluated on the test slice's requests.
//!
//! Each method gives one point per λ: the mean realised outcome of each objective in the
//! re-ranked top N, in stored units; NDCG@K per objective is reported beside it.

use crate::Result;
use crate::config::RlSettings;
use crate::stage_b::env::StageEnv;
use deepprl_core::rng::seeded;
use deepprl_core::simplex;
use deepprl_models::WeightPolicy;
use deepprl_report::{Point, RunRecord};
use deepprl_rl::Error as RlError;
use deepprl_rl::dcrl::StateLayout;
use deepprl_rl::env::{Environment, LoggedReranking};
use deepprl_rl::rollout::{self, LoggedEvaluation};
use ndarray::Array2;
use std::ops::Range;

/// Requests per training episode at most (a user's requests in time order).
const MAX_STEPS: usize = 200;

/// The validation and test requests as a stage-B environment.
pub struct LoggedStage<'a> {
    valid: LoggedReranking,
    test: LoggedReranking,
    rl: &'a RlSettings,
    objectives: Vec<String>,
}

/// A policy's evaluation on the test requests: the top-N outcomes and, for the headline
/// evaluation, NDCG@K.
#[derive(Debug, Clone)]
pub struct LoggedOutcome {
    top_n: LoggedEvaluation,
    ndcg: Option<LoggedEvaluation>,
}

impl<'a> LoggedStage<'a> {
    /// Stage B with `valid` for training and selection and `test` for evaluation.
    pub fn new(
        valid: LoggedReranking,
        test: LoggedReranking,
        rl: &'a RlSettings,
        objectives: Vec<String>,
    ) -> Self {
        Self { valid, test, rl, objectives }
    }
}

impl StageEnv for LoggedStage<'_> {
    type Evaluation = LoggedOutcome;

    fn n_objectives(&self) -> usize {
        self.test.n_objectives()
    }

    fn state_dim(&self) -> usize {
        self.test.state_dim()
    }

    fn layout(&self) -> StateLayout {
        self.valid.layout()
    }

    fn training(&mut self) -> (&mut dyn Environment, usize) {
        (&mut self.valid, MAX_STEPS)
    }

    fn selection_score(
        &mut self,
        policy: &mut dyn WeightPolicy,
        _lambda: &[f64],
    ) -> Result<Vec<f64>> {
        Ok(rollout::evaluate_logged(&mut self.valid, policy, self.rl.top_n)?.mean_reward)
    }

    fn selection_weights(
        &mut self,
        policy: &mut dyn WeightPolicy,
        _lambda: &[f64],
    ) -> Result<Vec<f64>> {
        Ok(rollout::evaluate_logged(&mut self.valid, policy, self.rl.top_n)?.mean_weights)
    }

    fn value(&self, lambda: &[f64], eval: &LoggedOutcome) -> f64 {
        simplex::dot(lambda, &eval.top_n.top_k_mean)
    }

    fn selection_episodes(&self) -> usize {
        self.valid.n_episodes()
    }

    /// The summed λ-scalarised reward of the validation user `e`'s requests re-ranked by
    /// `policy`: transitions follow the log, so a request's reward depends on its own weights
    /// only, and the user's requests are one paired unit.
    fn selection_return(
        &mut self,
        policy: &mut dyn WeightPolicy,
        lambda: &[f64],
        e: usize,
    ) -> Result<f64> {
        let n = self.valid.n_episodes();
        if e >= n || lambda.len() != self.valid.n_objectives() {
            let k = self.valid.n_objectives();
            let reason = format!("{e} of {n} at λ {lambda:?} for {k} objectives");
            return Err(RlError::config("selection episode", reason).into());
        }
        let mut state = self.valid.start_episode(e);
        let (rng, mut value) = (&mut seeded(0), 0.0);
        loop {
            let s = Array2::from_shape_vec((1, state.len()), state)
                .map_err(|e| RlError::Shape(format!("a state: {e}")))?;
            let w = policy.act(&s, false)?.row(0).to_vec();
            let step = self.valid.step(&w, rng);
            value += step.reward.iter().zip(lambda).map(|(&r, &l)| f64::from(r) * l).sum::<f64>();
            if step.done {
                return Ok(value);
            }
            state = step.next_state;
        }
    }

    fn feature_columns(&self) -> Result<Option<Range<usize>>> {
        Ok(self.valid.layout().features(self.valid.d_features())?)
    }

    fn evaluate(
        &mut self,
        policy: &mut dyn WeightPolicy,
        _lambda: &[f64],
        headline: bool,
    ) -> Result<LoggedOutcome> {
        // NDCG first: the order in which learned policies were always evaluated.
        let ndcg = if headline {
            Some(rollout::evaluate_logged(&mut self.test, policy, self.rl.ndcg_k)?)
        } else {
            None
        };
        let top_n = rollout::evaluate_logged(&mut self.test, policy, self.rl.top_n)?;
        Ok(LoggedOutcome { top_n, ndcg })
    }

    fn evaluate_oracle(&mut self, _lambda: &[f64]) -> Option<Result<LoggedOutcome>> {
        None
    }

    fn record(&self, lambdas: &[Vec<f64>], evals: &[LoggedOutcome], rec: &mut RunRecord) {
        for (lambda, e) in lambdas.iter().zip(evals) {
            rec.points.push(Point { lambda: lambda.clone(), value: e.top_n.top_k_mean.clone() });
        }
        let e = &evals[0];
        let n = self.rl.top_n;
        for (i, name) in self.objectives.iter().enumerate() {
            rec.metrics.insert(format!("{name}.top{n}"), e.top_n.top_k_mean[i]);
        }
        if let Some(ndcg) = &e.ndcg {
            for (i, name) in self.objectives.iter().enumerate() {
                rec.metrics.insert(format!("{name}.ndcg@{}", self.rl.ndcg_k), ndcg.ndcg[i]);
            }
        }
        rec.metrics.insert("utility".into(), simplex::dot(&lambdas[0], &e.top_n.mean_reward));
        rec.weights_by_hour = e.top_n.weights_by_hour.clone();
    }
}
