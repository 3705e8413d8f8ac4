//! What stage B needs of an environment, so one driver ([`super::driver`]) serves the
//! simulator ([`super::simulator`]) and logged re-ranking ([`super::logged`]) alike.

use crate::Result;
use deepprl_models::WeightPolicy;
use deepprl_report::RunRecord;
use deepprl_rl::dcrl::StateLayout;
use deepprl_rl::env::Environment;
use std::ops::Range;

/// An environment of stage B: where learning policies train, how fixed weights are selected,
/// how a policy is evaluated, whether there is an oracle, and how evaluations become the run's
/// points and metrics.
pub trait StageEnv {
    /// One evaluation of a policy at one λ.
    type Evaluation: Clone;

    /// Number of objectives K.
    fn n_objectives(&self) -> usize;

    /// Width of the policy's states.
    fn state_dim(&self) -> usize;

    /// Which state columns are context and user.
    fn layout(&self) -> StateLayout;

    /// The environment learning policies train in, and its episode length limit.
    fn training(&mut self) -> (&mut dyn Environment, usize);

    /// The per-objective score of fixed weights on the selection episodes or requests (never
    /// the evaluation ones); the grid policy picks the point with the best `λ · score`.
    /// `lambda` is the run's first preference.
    ///
    /// # Errors
    /// If the policy rejects a state.
    fn selection_score(
        &mut self,
        policy: &mut dyn WeightPolicy,
        lambda: &[f64],
    ) -> Result<Vec<f64>>;

    /// How many selection episodes [`StageEnv::selection_return`] numbers: the simulator's
    /// `[rl] segment_hour_episodes`, the validation slice's users on logged data.
    fn selection_episodes(&self) -> usize;

    /// The λ-return of selection episode `e` (never an evaluation one) under `policy`, the
    /// same every time for the same answers of the policy: the simulator's discounted λ-return
    /// (common random numbers), on logged data the summed λ-reward of the user's validation
    /// requests.
    ///
    /// # Errors
    /// If `e` is not a selection episode, λ does not fit, or the policy rejects a state.
    fn selection_return(
        &mut self,
        policy: &mut dyn WeightPolicy,
        lambda: &[f64],
        e: usize,
    ) -> Result<f64>;

    /// The state's user feature columns (the world's segment one-hot), `None` when there are
    /// none.
    ///
    /// # Errors
    /// If the environment's layout has no room for them.
    fn feature_columns(&self) -> Result<Option<Range<usize>>>;

    /// Evaluates `policy` at preference `lambda` on the evaluation episodes or requests, the
    /// same for every method; `headline` marks the evaluation whose extra metrics (regret,
    /// NDCG) the record keeps.
    ///
    /// # Errors
    /// If the policy rejects a state.
    fn evaluate(
        &mut self,
        policy: &mut dyn WeightPolicy,
        lambda: &[f64],
        headline: bool,
    ) -> Result<Self::Evaluation>;

    /// The mean weights `policy` chooses over the selection episodes or requests (every step
    /// counted once) at preference `lambda`.
    ///
    /// # Errors
    /// If the policy rejects a state.
    fn selection_weights(
        &mut self,
        policy: &mut dyn WeightPolicy,
        lambda: &[f64],
    ) -> Result<Vec<f64>>;

    /// The λ-scalarised point of `eval` (λ · the per-objective point, in stored units).
    fn value(&self, lambda: &[f64], eval: &Self::Evaluation) -> f64;

    /// The oracle's evaluation at `lambda`, or `None` when the environment has no oracle.
    ///
    /// # Errors
    /// From the evaluation.
    fn evaluate_oracle(&mut self, lambda: &[f64]) -> Option<Result<Self::Evaluation>>;

    /// The run's points (one per λ) and metrics from one evaluation per λ; the first λ's is
    /// the headline.
    fn record(&self, lambdas: &[Vec<f64>], evals: &[Self::Evaluation], rec: &mut RunRecord);
}
