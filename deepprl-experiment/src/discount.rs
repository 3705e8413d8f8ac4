//! The discount learning policies train with (docs/DESIGN.md §3.4, Learning): in the
//! simulator, an unset `[dcrl] gamma` or `[plugins.morl] gamma` is the world's `gamma_eval`,
//! the discount every method is scored at, so a policy learns the return it is judged by; on
//! logged data, which has no evaluation discount, the policies keep their own default (0.9).
//!
//! ```
//! use deepprl_experiment::{ExperimentConfig, discount, method::PolicyKind};
//! let c = discount::for_training(&ExperimentConfig::default(), PolicyKind::Dcrl, Some(0.99))?;
//! assert_eq!(c.dcrl.gamma, Some(0.99));
//! # Ok::<(), deepprl_experiment::Error>(())
//! ```

use crate::config::ExperimentConfig;
use crate::method::{PolicyBuild, PolicyKind};
use crate::{Error, Result};

/// `config` as a run of policy `kind` trains it: with `gamma_eval` (the world's evaluation
/// discount, `None` for logged data) filling in the discount of the learning policy when the
/// experiment leaves it unset — `[dcrl] gamma` for DCRL and its ablations, `[plugins.morl]
/// gamma` for MORL. A set discount is kept, and the `dcrl-myopic` ablation's γ = 0 is applied
/// afterwards by [`PolicyKind::build`]; other policies, and logged data, are unchanged.
///
/// # Errors
/// [`Error::Usage`] naming `world.gamma_eval` when it would be filled in and is not in
/// `[0, 1)` (the learners need γ < 1).
pub fn for_training(
    config: &ExperimentConfig,
    kind: PolicyKind,
    gamma_eval: Option<f64>,
) -> Result<ExperimentConfig> {
    let mut c = config.clone();
    let Some(gamma) = gamma_eval else { return Ok(c) };
    let check = |key: &str| {
        if (0.0..1.0).contains(&gamma) {
            Ok(())
        } else {
            Err(Error::Usage(format!(
                "key `world.gamma_eval`: {gamma} is the default of `{key}`, which must be in \
                 [0, 1); set `{key}`"
            )))
        }
    };
    match kind.build(&config.dcrl) {
        PolicyBuild::Dcrl(_) if c.dcrl.gamma.is_none() => {
            check("dcrl.gamma")?;
            c.dcrl.gamma = Some(gamma);
        }
        PolicyBuild::Morl if !c.plugins.morl.contains_key("gamma") => {
            check("plugins.morl.gamma")?;
            c.plugins.morl.insert("gamma".into(), toml::Value::Float(gamma));
        }
        _ => {}
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use deepprl_models::WeightPolicy;
    use deepprl_rl::dcrl::{Dcrl, StateLayout};

    #[test]
    fn an_unset_discount_is_the_worlds_and_a_set_one_wins() -> Result<()> {
        let default = ExperimentConfig::default();
        let dcrl = for_training(&default, PolicyKind::Dcrl, Some(0.99))?;
        assert_eq!(dcrl.dcrl.gamma, Some(0.99));
        assert!(dcrl.plugins.morl.is_empty(), "only the run's policy is touched");
        // The agent learns with it: its n-step transitions are discounted by γ = 0.99.
        let agent = Dcrl::new(&dcrl.dcrl, StateLayout::all_context(2), 2, 0)?;
        assert_eq!(agent.n_step().gamma, 0.99);
        let morl = for_training(&default, PolicyKind::Morl, Some(0.95))?;
        assert_eq!(morl.plugins.morl.get("gamma"), Some(&toml::Value::Float(0.95)));
        assert_eq!(morl.dcrl.gamma, None);
        // Logged data (no evaluation discount) and policies that do not learn are unchanged.
        assert_eq!(for_training(&default, PolicyKind::Dcrl, None)?, default);
        assert_eq!(for_training(&default, PolicyKind::Grid, Some(0.99))?, default);
        assert_eq!(default.dcrl.gamma(), 0.9, "logged runs keep DCRL's default");
        // A set discount wins, for DCRL and MORL alike.
        let mut set = default.clone();
        set.dcrl.gamma = Some(0.5);
        set.plugins.morl.insert("gamma".into(), toml::Value::Float(0.7));
        assert_eq!(for_training(&set, PolicyKind::DcrlTd3, Some(0.99))?.dcrl.gamma, Some(0.5));
        let morl = for_training(&set, PolicyKind::Morl, Some(0.99))?;
        assert_eq!(morl.plugins.morl.get("gamma"), Some(&toml::Value::Float(0.7)));
        Ok(())
    }

    #[test]
    fn the_myopic_ablation_keeps_gamma_zero_and_a_bad_world_discount_is_named() -> Result<()> {
        let default = ExperimentConfig::default();
        let myopic = for_training(&default, PolicyKind::DcrlMyopic, Some(0.99))?;
        match PolicyKind::DcrlMyopic.build(&myopic.dcrl) {
            PolicyBuild::Dcrl(c) => assert_eq!((c.gamma, c.gamma()), (Some(0.0), 0.0)),
            other => panic!("dcrl-myopic builds {other:?}"),
        }
        // γ_eval = 1 is a valid world (an undiscounted score) but no learner's discount.
        for kind in [PolicyKind::Dcrl, PolicyKind::Morl] {
            let err = for_training(&default, kind, Some(1.0)).unwrap_err().to_string();
            assert!(err.contains("`world.gamma_eval`") && err.contains("gamma`"), "{err}");
        }
        let mut set = default.clone();
        set.dcrl.gamma = Some(0.9);
        assert_eq!(for_training(&set, PolicyKind::Dcrl, Some(1.0))?.dcrl.gamma, Some(0.9));
        Ok(())
    }
}
