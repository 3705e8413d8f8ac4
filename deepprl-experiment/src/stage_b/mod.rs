//! Stage B of docs/DESIGN.md §3.4 for one run: the predictor frozen, the weight policy trained
//! (when it learns: once for the whole λ grid if it is a conditioned DCRL, else once per λ)
//! and evaluated into a [`RunRecord`], by one
//! [`driver`] over two [`env::StageEnv`]s: the simulator and logged re-ranking.
//!
//! - [`context`]: what a run is given.
//! - [`env`](mod@env): what the driver needs of an environment.
//! - [`driver`]: what each policy kind trains, selects and evaluates.
//! - [`grid`]: the `grid` policy's choice of static weights per λ.
//! - [`segment_hour`]: the `grid-segment-hour` table, searched from the grid's choice.
//! - [`conditioned`]: the conditioned DCRL agent, trained once for every λ.
//! - [`learn`]: the trainer of learning policies, and per-λ policies (MORL, `dcrl-perlambda`)
//!   made and trained for one λ.
//! - [`simulator`], [`logged`]: the two environments.

pub mod conditioned;
pub mod context;
pub mod driver;
pub mod env;
pub mod grid;
pub mod learn;
pub mod logged;
pub mod secondary;
pub mod segment_hour;
pub mod simulator;

pub use context::RunContext;

use crate::data::ExperimentData;
use crate::discount;
use crate::method::{Method, PolicyBuild, PredictorKind};
use crate::predictors;
use crate::scoring::{
    MohUserEncoder, WorldScorer, logged_episodes, logged_histories, outcome_stats,
    prediction_stats, user_features,
};
use crate::{Error, Result};
use deepprl_data::Slice;
use deepprl_data::world::World;
use deepprl_models::moh::{StateEncoder, StateInput};
use deepprl_models::predictor::Predictor;
use deepprl_plugins::find_plugin;
use deepprl_report::RunRecord;
use deepprl_rl::env::{LoggedReranking, Simulator, SimulatorConfig};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Runs stage B.
///
/// # Errors
/// If the predictor cannot be loaded, a policy cannot be made, or training fails.
pub fn run(ctx: &RunContext<'_>) -> Result<RunRecord> {
    // In the simulator the learning policy's unset discount is the world's `gamma_eval`.
    let gamma_eval = ctx.data.world.as_ref().map(|w| w.config().gamma_eval);
    let config = discount::for_training(ctx.config, ctx.method.policy, gamma_eval)?;
    let encoder = state_encoder(ctx)?;
    let input = match ctx.method.policy.build(&config.dcrl) {
        PolicyBuild::Dcrl(c) if c.finetune_encoder => StateInput::Raw,
        _ => StateInput::Encoded,
    };
    let ctx = &RunContext {
        config: &config,
        data: ctx.data,
        method: ctx.method,
        seed: ctx.seed,
        predictor_dir: ctx.predictor_dir.clone(),
        state_dir: ctx.state_dir.clone(),
        run_dir: ctx.run_dir.clone(),
        summary: ctx.summary,
        progress: ctx.progress,
        finetune: encoder.as_ref().filter(|_| input == StateInput::Raw),
    };
    // `truth` has no model: the simulator ranks by the world itself.
    let predictor = if ctx.method.predictor == PredictorKind::Truth {
        None
    } else {
        Some(predictors::load_predictor(
            ctx.method.predictor,
            ctx.config,
            ctx.data,
            ctx.seed,
            &ctx.predictor_dir,
        )?)
    };
    let mut record = RunRecord {
        dataset: ctx.data.name.clone(),
        method: ctx.method.name(),
        seed: ctx.seed,
        metrics: ctx.summary.metrics.clone(),
        points: Vec::new(),
        curve: Vec::new(),
        weights_by_hour: Vec::new(),
        weights_by_segment: Vec::new(),
        beta: ctx.summary.beta.clone(),
        wall_secs: 0.0,
    };
    let data = ctx.data;
    let rl = &ctx.config.rl;
    match &data.world {
        Some(world) => {
            let mut env = simulator(world, data, predictor)?;
            if let Some(encoder) = &encoder {
                env = env.with_encoder(Arc::new(MohUserEncoder::new(encoder.clone(), input)?));
            }
            let mut stage = simulator::SimulatorStage::new(env, rl, data.objectives());
            driver::drive(ctx, &mut stage, &mut record)?;
        }
        None => {
            let predictor = predictor
                .as_deref()
                .ok_or_else(|| Error::Usage("predictor `truth` needs the simulator".into()))?;
            let stats = prediction_stats(predictor, data)?;
            let features = user_features(&data.ds);
            let rewards = outcome_stats(&data.ds);
            let make_env = |slice| -> Result<LoggedReranking> {
                let encoder = encoder.as_ref().map(|e| (e, input));
                let episodes =
                    logged_episodes(predictor, &stats, data, slice, rl.min_candidates, encoder)?;
                Ok(LoggedReranking::new(episodes, features.clone(), rl.top_n, rewards.clone())?)
            };
            let (valid, test) = (make_env(Slice::Valid)?, make_env(Slice::Test)?);
            let mut stage = logged::LoggedStage::new(valid, test, rl, data.objectives());
            driver::drive(ctx, &mut stage, &mut record)?;
        }
    }
    // An undefined metric (e.g. NDCG of an objective with no positive outcome) is left out:
    // the report holds numbers only.
    record.metrics.retain(|_, v| v.is_finite());
    (ctx.progress)(1.0);
    Ok(record)
}

/// The simulator over `world` (the world of `data`) for a run: the users' features and last
/// logged interactions, the candidates ranked by `predictor`'s scores, or by the truth when
/// `None`.
///
/// # Errors
/// If the features, histories or the scorer do not fit the world.
pub fn simulator(
    world: &World,
    data: &ExperimentData,
    predictor: Option<Box<dyn Predictor>>,
) -> Result<Simulator> {
    let env =
        Simulator::new(world.clone(), SimulatorConfig::from_world(world), user_features(&data.ds))?
            .with_histories(logged_histories(world, data))?;
    Ok(match predictor {
        Some(p) => env.with_scorer(Arc::new(WorldScorer::new(p, world, data)?)),
        None => env,
    })
}

/// The frozen state encoder of the run's MoH when the method's policy reads the state.
///
/// # Errors
/// If that MoH's checkpoint is missing or does not fit.
fn state_encoder(ctx: &RunContext<'_>) -> Result<Option<StateEncoder>> {
    if !ctx.method.policy.reads_state() {
        return Ok(None);
    }
    let moh = predictors::load_moh(ctx.config, ctx.data, ctx.seed, &ctx.state_dir)?;
    Ok(Some(StateEncoder::new(&moh.model)))
}

/// Versions of the crates and of the plugins a method loads.
pub fn versions(method: &Method) -> BTreeMap<String, String> {
    let mut v = crate::manifest::crate_versions();
    let plugins = [method.predictor.plugin_name(), method.policy.plugin_name()];
    for name in plugins.into_iter().flatten() {
        if let Ok(p) = find_plugin(name) {
            v.insert(format!("plugin {name}"), p.info().version.clone());
        }
    }
    v
}
