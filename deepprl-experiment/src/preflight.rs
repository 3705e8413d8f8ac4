//! The checks of an experiment that need its data, run before anything is written or trained
//! (issue #18, point 2): every predictor of every dataset is built once, so a `[moh]` that does
//! not fit the data or a plugin that rejects its `[plugins.*]` table fails now, naming the
//! key, instead of after hours of training; every DCRL variant checks its `[dcrl]` against the
//! dataset's objectives; MORL's plugin parses its table; a grid policy's simplex grid has at
//! most [`MAX_GRID_POINTS`] points for the dataset's objectives.
//!
//! A plugin that is not built is not an error here: its runs fail with the message that says
//! how to build it, and the other runs go on, as before.

use crate::config::ExperimentConfig;
use crate::data::ExperimentData;
use crate::factory;
use crate::method::{Method, PolicyBuild, PredictorKind};
use crate::stage_b::learn::make_policy;
use crate::{Error, Result};
use deepprl_plugins::find_plugin;
use deepprl_rl::dcrl::StateLayout;

/// The most points a weight grid may have: each is scored on every selection episode.
pub const MAX_GRID_POINTS: usize = 100_000;

/// Checks `config`'s methods on each dataset (`methods[d]` on `datasets[d]`).
///
/// # Errors
/// [`Error::Usage`] naming the dataset, the predictor or policy, and the config's complaint.
pub fn check(
    config: &ExperimentConfig,
    datasets: &[&ExperimentData],
    methods: &[Vec<Method>],
) -> Result<()> {
    for (data, methods) in datasets.iter().zip(methods) {
        let k = data.ds.meta.n_objectives();
        let at =
            |what: String| move |e: Error| Error::Usage(format!("{what} on `{}`: {e}", data.name));
        let mut kinds: Vec<PredictorKind> = methods.iter().map(|m| m.predictor).collect();
        kinds.sort();
        kinds.dedup();
        for kind in kinds {
            let built = kind != PredictorKind::Truth
                && kind.plugin_name().is_none_or(|name| find_plugin(name).is_ok());
            if built {
                factory::make(kind, config, data, 0).map_err(at(format!("predictor `{kind}`")))?;
            }
        }
        let mut policies: Vec<_> = methods.iter().map(|m| m.policy).collect();
        policies.sort();
        policies.dedup();
        for policy in policies {
            match policy.build(&config.dcrl) {
                PolicyBuild::Dcrl(dcrl) => dcrl.validate(k).map_err(|e| {
                    Error::Usage(format!("section [dcrl] (policy `{policy}`): {e}"))
                })?,
                PolicyBuild::Morl if find_plugin("morl").is_ok() => {
                    let uniform = vec![1.0 / k as f64; k];
                    let layout = StateLayout::all_context(4);
                    make_policy(policy, config, &layout, &uniform, 0, None)
                        .map(drop)
                        .map_err(at(format!("policy `{policy}`")))?;
                }
                PolicyBuild::Grid | PolicyBuild::GridSegmentHour | PolicyBuild::Oracle => {
                    let d = config.rl.grid_divisions;
                    let points = deepprl_core::simplex::grid_size(k, d);
                    if points.is_none_or(|p| p > MAX_GRID_POINTS) {
                        let n = points.map_or("more than usize::MAX".into(), |p| p.to_string());
                        return Err(Error::Usage(format!(
                            "key `rl.grid_divisions`: {d} divisions of `{}`'s {k} objectives are \
                             a grid of {n} points (policy `{policy}`), at most {MAX_GRID_POINTS}",
                            data.name
                        )));
                    }
                }
                PolicyBuild::Morl | PolicyBuild::Static | PolicyBuild::Uniform => {}
            }
        }
    }
    Ok(())
}
