//! Methods: a predictor combined with a weight policy, written `predictor+policy`
//! (e.g. `moh+dcrl`, the DeepPRL method, or `mmoe+grid`). DESIGN.md §4: predictors and
//! policies combine freely, so `predictor × policy` is the ablation grid.

use crate::{Error, Result};
use deepprl_models::moh::MohConfig;
use deepprl_rl::dcrl::DcrlConfig;
use serde::{Deserialize, Serialize};

/// The predictors a method can name, with what each is.
pub const PREDICTORS: &[(&str, &str)] = &[
    ("moh", "Mixture of HyperNetworks with the SA-Time-LSTM encoder (DeepPRL)"),
    ("moh-nohyper", "MoH ablation: plain towers instead of hypernetworks"),
    ("moh-noattention", "MoH ablation: uniform mixture instead of mixture attention"),
    ("moh-sharedhyper", "MoH ablation: one hypernetwork shared by all objectives"),
    ("moh-noencoder", "MoH ablation: no history encoder"),
    ("lr", "single-layer logistic/linear model"),
    ("sb", "Shared-Bottom (plugin)"),
    ("mmoe", "MMOE (plugin)"),
];

/// The weight policies a method can name, with what each is.
pub const POLICIES: &[(&str, &str)] = &[
    ("dcrl", "contextual actor-critic (DeepPRL)"),
    ("dcrl-nocontext", "DCRL ablation: no context in the state"),
    ("dcrl-nouser", "DCRL ablation: not personalised (no user features)"),
    ("dcrl-myopic", "DCRL ablation: gamma = 0 (short-term only)"),
    ("dcrl-td3", "DCRL with the TD3 refinements"),
    ("morl", "multi-objective RL baseline, one weight vector for all users (plugin)"),
    ("grid", "best fixed weights on a simplex grid, chosen on validation"),
    ("static", "uniform fixed weights"),
    ("oracle", "true best weights per user and context (simulator only)"),
];

/// A predictor choice.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PredictorKind(pub String);

/// A policy choice.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PolicyKind(pub String);

/// A method: `predictor+policy`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Method {
    /// The predictor.
    pub predictor: PredictorKind,
    /// The weight policy.
    pub policy: PolicyKind,
}

fn names(list: &[(&str, &str)]) -> String {
    list.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
}

impl Method {
    /// Parses `predictor+policy`.
    ///
    /// # Errors
    /// [`Error::Usage`] listing the known predictors and policies.
    pub fn parse(text: &str) -> Result<Self> {
        let known = || {
            format!(
                "a method is `predictor+policy`; predictors: {}; policies: {}",
                names(PREDICTORS),
                names(POLICIES)
            )
        };
        let (p, q) = text
            .split_once('+')
            .ok_or_else(|| Error::Usage(format!("unknown method `{text}`: {}", known())))?;
        if !PREDICTORS.iter().any(|(n, _)| *n == p) {
            return Err(Error::Usage(format!(
                "unknown predictor `{p}` in method `{text}`: {}",
                known()
            )));
        }
        if !POLICIES.iter().any(|(n, _)| *n == q) {
            return Err(Error::Usage(format!(
                "unknown policy `{q}` in method `{text}`: {}",
                known()
            )));
        }
        Ok(Self { predictor: PredictorKind(p.into()), policy: PolicyKind(q.into()) })
    }

    /// `predictor+policy`.
    pub fn name(&self) -> String {
        format!("{}+{}", self.predictor.0, self.policy.0)
    }
}

impl PredictorKind {
    /// Whether it is a plugin (built as a cdylib) rather than an in-tree model.
    pub fn plugin_name(&self) -> Option<&'static str> {
        match self.0.as_str() {
            "sb" => Some("shared_bottom"),
            "mmoe" => Some("mmoe"),
            _ => None,
        }
    }

    /// The MoH settings of this predictor (its ablation switch applied to `base`), or `None`
    /// for a predictor that is not a MoH.
    pub fn moh_config(&self, base: &MohConfig) -> Option<MohConfig> {
        let mut c = base.clone();
        match self.0.as_str() {
            "moh" => {}
            "moh-nohyper" => c.hyper = false,
            "moh-noattention" => c.mixture_attention = false,
            "moh-sharedhyper" => c.shared_hypernetwork = true,
            "moh-noencoder" => c.encoder = false,
            _ => return None,
        }
        Some(c)
    }
}

impl PolicyKind {
    /// Whether the policy learns (so it is trained once per λ of the grid).
    pub fn learns(&self) -> bool {
        self.0.starts_with("dcrl") || self.0 == "morl"
    }

    /// DCRL settings with this policy's ablation switch applied to `base`, or `None` for a
    /// policy that is not DCRL.
    pub fn dcrl_config(&self, base: &DcrlConfig) -> Option<DcrlConfig> {
        let mut c = base.clone();
        match self.0.as_str() {
            "dcrl" => {}
            "dcrl-nocontext" => c.context = false,
            "dcrl-nouser" => c.personalised = false,
            "dcrl-myopic" => c.gamma = 0.0,
            "dcrl-td3" => {
                c.twin_critics = true;
                c.policy_delay = 2;
                c.target_noise = 0.2;
            }
            _ => return None,
        }
        Some(c)
    }
}

/// The ablation grid of DESIGN.md §4: every predictor × policy of the baselines, plus the MoH
/// and DCRL ablations combined with the other half of DeepPRL.
pub fn ablation_grid(simulator: bool) -> Vec<String> {
    let mut out = Vec::new();
    for p in ["moh", "sb", "mmoe"] {
        for q in ["dcrl", "morl", "grid", "static"] {
            out.push(format!("{p}+{q}"));
        }
    }
    for p in ["moh-nohyper", "moh-noattention", "moh-sharedhyper", "moh-noencoder"] {
        out.push(format!("{p}+dcrl"));
    }
    for q in ["dcrl-nocontext", "dcrl-nouser", "dcrl-myopic", "dcrl-td3"] {
        out.push(format!("moh+{q}"));
    }
    if simulator {
        out.push("moh+oracle".into());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_parse_and_unknown_names_list_the_known_ones() {
        let m = Method::parse("mmoe+grid").unwrap();
        assert_eq!((m.predictor.plugin_name(), m.name().as_str()), (Some("mmoe"), "mmoe+grid"));
        let err = Method::parse("moh+dqn").unwrap_err().to_string();
        assert!(
            err.contains("unknown policy `dqn`") && err.contains("dcrl, dcrl-nocontext"),
            "{err}"
        );
        let err = Method::parse("xgb+dcrl").unwrap_err().to_string();
        assert!(
            err.contains("unknown predictor `xgb`") && err.contains("moh, moh-nohyper"),
            "{err}"
        );
        assert!(Method::parse("moh").unwrap_err().to_string().contains("predictor+policy"));
        for m in ablation_grid(true) {
            Method::parse(&m).unwrap();
        }
        let base = MohConfig::default();
        assert!(!PredictorKind("moh-nohyper".into()).moh_config(&base).unwrap().hyper);
        assert_eq!(
            PolicyKind("dcrl-myopic".into()).dcrl_config(&DcrlConfig::default()).unwrap().gamma,
            0.0
        );
    }
}
