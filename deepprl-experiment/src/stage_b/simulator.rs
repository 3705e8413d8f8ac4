//! Stage B in the simulator: the method's predictor ranks the candidates of the synthetic
//! world, its policy chooses the weights, the world answers.
//!
//! Each method gives one point per λ of the grid: the discounted return per episode of every
//! objective at the world's `gamma_eval` (`Σ_t γ^t` of the slate's mean expected outcome given
//! the state, scaled by the world's population standard deviation: the units of the reward the
//! agents learn from and of the oracle ladder), from the same evaluation episodes for every
//! method (keyed by [`EVAL_SEED`]: common random numbers; the run's seed enters only through
//! the policy). The λ-return is `λ ·` that point. The grid policy picks its
//! weights on separate selection episodes ([`GRID_SEED`]), the `grid-segment-hour` table on
//! others ([`SEGMENT_HOUR_SEED`]).

use crate::Result;
use crate::config::RlSettings;
use crate::stage_b::env::StageEnv;
use deepprl_core::simplex;
use deepprl_data::world::{Episode, K};
use deepprl_models::WeightPolicy;
use deepprl_report::{Point, RunRecord};
use deepprl_rl::Error as RlError;
use deepprl_rl::dcrl::StateLayout;
use deepprl_rl::env::{Environment, Simulator};
use deepprl_rl::rollout::{self, Actor, EVAL_ENVS, EvalConfig, Evaluation};
use std::ops::Range;

/// Seed of the evaluation episodes (the same for every method and run seed).
pub const EVAL_SEED: u64 = 1_000_000;
/// Seed of the grid policy's selection episodes.
pub const GRID_SEED: u64 = 2_000_000;
/// Seed of the `grid-segment-hour` table's selection episodes: episode `e` is the first
/// episode of seed `SEGMENT_HOUR_SEED + e`, so each can be run alone.
pub const SEGMENT_HOUR_SEED: u64 = 3_000_000;

/// The simulator as a stage-B environment.
pub struct SimulatorStage<'a> {
    env: Simulator,
    rl: &'a RlSettings,
    objectives: Vec<String>,
}

impl<'a> SimulatorStage<'a> {
    /// Stage B over `env` with the experiment's settings `rl`.
    pub fn new(env: Simulator, rl: &'a RlSettings, objectives: Vec<String>) -> Self {
        Self { env, rl, objectives }
    }

    /// `rule`'s evaluation at `lambda` on the evaluation episodes every method meets
    /// ([`EVAL_SEED`], `[rl] eval_episodes`): a level of the oracle ladder acting through this
    /// simulator's ranking.
    ///
    /// # Errors
    /// If λ does not have one entry per objective.
    pub fn evaluate_rule(
        &mut self,
        rule: &mut (dyn FnMut(&Episode) -> [f64; K] + Send),
        lambda: &[f64],
    ) -> Result<Evaluation> {
        let config = EvalConfig {
            episodes: self.rl.eval_episodes,
            max_steps: self.max_steps(),
            gamma: self.gamma(),
            lambda: simplex::normalised_f32(lambda),
            seed: EVAL_SEED,
            regret: false,
            envs: EVAL_ENVS,
        };
        Ok(rollout::evaluate_with(&mut self.env, Actor::Rule(rule), &config)?)
    }

    fn max_steps(&self) -> usize {
        self.env.config().max_steps
    }

    fn gamma(&self) -> f64 {
        self.env.world().config().gamma_eval
    }

    /// `policy`'s greedy evaluation on the selection episodes ([`GRID_SEED`]).
    fn on_selection_episodes(
        &mut self,
        policy: &mut dyn WeightPolicy,
        lambda: &[f64],
    ) -> Result<Evaluation> {
        let (max_steps, gamma) = (self.max_steps(), self.gamma());
        Ok(rollout::evaluate(
            &mut self.env,
            policy,
            self.rl.grid_episodes,
            max_steps,
            gamma,
            &simplex::normalised_f32(lambda),
            GRID_SEED,
            false,
        )?)
    }
}

impl StageEnv for SimulatorStage<'_> {
    type Evaluation = Evaluation;

    fn n_objectives(&self) -> usize {
        K
    }

    fn state_dim(&self) -> usize {
        self.env.state_dim()
    }

    fn layout(&self) -> StateLayout {
        self.env.layout()
    }

    fn training(&mut self) -> (&mut dyn Environment, usize) {
        let max_steps = self.max_steps();
        (&mut self.env, max_steps)
    }

    fn selection_score(
        &mut self,
        policy: &mut dyn WeightPolicy,
        lambda: &[f64],
    ) -> Result<Vec<f64>> {
        Ok(self.on_selection_episodes(policy, lambda)?.discounted_return)
    }

    fn selection_weights(
        &mut self,
        policy: &mut dyn WeightPolicy,
        lambda: &[f64],
    ) -> Result<Vec<f64>> {
        Ok(self.on_selection_episodes(policy, lambda)?.mean_weights)
    }

    fn value(&self, lambda: &[f64], eval: &Evaluation) -> f64 {
        simplex::dot(lambda, &eval.discounted_return)
    }

    fn selection_episodes(&self) -> usize {
        self.rl.segment_hour_episodes
    }

    fn selection_return(
        &mut self,
        policy: &mut dyn WeightPolicy,
        lambda: &[f64],
        e: usize,
    ) -> Result<f64> {
        if e >= self.rl.segment_hour_episodes {
            let n = self.rl.segment_hour_episodes;
            return Err(
                RlError::config("selection episode", format!("{e} is not one of {n}")).into()
            );
        }
        let (max_steps, gamma) = (self.max_steps(), self.gamma());
        let seed = SEGMENT_HOUR_SEED.wrapping_add(e as u64);
        let lambda = simplex::normalised_f32(lambda);
        let ev =
            rollout::evaluate(&mut self.env, policy, 1, max_steps, gamma, &lambda, seed, false)?;
        Ok(ev.episode_returns[0])
    }

    fn feature_columns(&self) -> Result<Option<Range<usize>>> {
        Ok(self.env.layout().features(self.env.d_features())?)
    }

    fn evaluate(
        &mut self,
        policy: &mut dyn WeightPolicy,
        lambda: &[f64],
        headline: bool,
    ) -> Result<Evaluation> {
        let (max_steps, gamma) = (self.max_steps(), self.gamma());
        Ok(rollout::evaluate(
            &mut self.env,
            policy,
            self.rl.eval_episodes,
            max_steps,
            gamma,
            &simplex::normalised_f32(lambda),
            EVAL_SEED,
            headline,
        )?)
    }

    fn evaluate_oracle(&mut self, lambda: &[f64]) -> Option<Result<Evaluation>> {
        let (max_steps, gamma) = (self.max_steps(), self.gamma());
        Some(
            rollout::evaluate_oracle(
                &mut self.env,
                self.rl.eval_episodes,
                max_steps,
                gamma,
                &simplex::normalised_f32(lambda),
                EVAL_SEED,
            )
            .map_err(Into::into),
        )
    }

    fn record(&self, lambdas: &[Vec<f64>], evals: &[Evaluation], rec: &mut RunRecord) {
        for (lambda, e) in lambdas.iter().zip(evals) {
            rec.points.push(Point { lambda: lambda.clone(), value: e.discounted_return.clone() });
        }
        let e = &evals[0];
        for (name, &v) in self.objectives.iter().zip(&e.discounted_return) {
            rec.metrics.insert(format!("return.{name}"), v);
        }
        rec.metrics.insert("utility".into(), simplex::dot(&lambdas[0], &e.discounted_return));
        rec.metrics.insert("reward_per_step".into(), e.mean_reward);
        rec.metrics.insert("episode_length".into(), e.mean_length);
        if let Some(r) = e.return_rate {
            rec.metrics.insert("return_rate".into(), r);
        }
        if let Some(r) = e.regret {
            rec.metrics.insert("regret".into(), r);
        }
        rec.weights_by_hour = e.weights_by_hour.clone();
        // Every segment of the world, also one no evaluation episode met.
        let segments = self.env.world().config().segments.max(e.weights_by_segment.len());
        rec.weights_by_segment = e.weights_by_segment.clone();
        rec.weights_by_segment.resize(segments, None);
    }
}
