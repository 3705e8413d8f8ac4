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
use deepprl_core::simplex;
use deepprl_models::WeightPolicy;
use deepprl_report::{Point, RunRecord};
use deepprl_rl::dcrl::StateLayout;
use deepprl_rl::env::{Environment, LoggedReranking};
use deepprl_rl::rollout::{self, LoggedEvaluation};

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
