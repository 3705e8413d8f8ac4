//! Methods: a predictor combined with a weight policy, written `predictor+policy`
//! (e.g. `moh+dcrl`, the DeepPRL method, or `mmoe+grid`). docs/DESIGN.md §4: predictors and
//! policies combine freely, so `predictor × policy` is the ablation grid.
//!
//! Both halves are enums: every `match` over them is exhaustive, so a new method is a compile
//! error everywhere it must be handled. Their text forms round-trip through [`FromStr`] and
//! [`Display`](std::fmt::Display), and an unknown name lists the known ones.
//!
//! ```
//! use deepprl_experiment::method::{Method, PolicyKind, PredictorKind};
//! let m: Method = "mmoe+grid".parse()?;
//! assert_eq!((m.predictor, m.policy), (PredictorKind::Mmoe, PolicyKind::Grid));
//! assert_eq!(m.to_string(), "mmoe+grid");
//! # Ok::<(), deepprl_experiment::Error>(())
//! ```

use crate::{Error, Result};
use deepprl_models::moh::MohConfig;
use deepprl_rl::dcrl::DcrlConfig;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Declares a closed set of names: the enum, its `ALL` list with descriptions, `name()`,
/// `Display`, `FromStr` (listing the known names on error), serde as the name, and ordering by
/// name (so sorted collections keep the order they had when the names were strings).
macro_rules! named_kinds {
    ($(#[$meta:meta])* $kind:ident, $what:literal {
        $($(#[$vmeta:meta])* $variant:ident = $name:literal: $about:literal,)+
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub enum $kind {
            $($(#[$vmeta])* $variant,)+
        }

        impl $kind {
            /// Every kind with a one-line description, in the order `--help` lists them.
            pub const ALL: &[($kind, &'static str)] = &[$(($kind::$variant, $about),)+];

            /// The name used in experiment files and on the command line.
            pub fn name(self) -> &'static str {
                match self {
                    $($kind::$variant => $name,)+
                }
            }

            /// The known names, comma-separated.
            pub fn known() -> String {
                Self::ALL.iter().map(|(k, _)| k.name()).collect::<Vec<_>>().join(", ")
            }
        }

        impl fmt::Display for $kind {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }

        impl FromStr for $kind {
            type Err = Error;
            fn from_str(s: &str) -> Result<Self> {
                Self::ALL.iter().map(|(k, _)| *k).find(|k| k.name() == s).ok_or_else(|| {
                    Error::Usage(format!(
                        concat!("unknown ", $what, " `{}`; the ", $what, "s are {}"),
                        s,
                        Self::known()
                    ))
                })
            }
        }

        impl TryFrom<String> for $kind {
            type Error = Error;
            fn try_from(s: String) -> Result<Self> {
                s.parse()
            }
        }

        impl From<$kind> for String {
            fn from(k: $kind) -> String {
                k.name().to_string()
            }
        }

        impl PartialOrd for $kind {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        impl Ord for $kind {
            fn cmp(&self, other: &Self) -> std::cmp::Ordering {
                self.name().cmp(other.name())
            }
        }
    };
}

named_kinds! {
    /// A predictor: what scores the candidates.
    PredictorKind, "predictor" {
        /// Mixture of HyperNetworks with the SA-Time-LSTM encoder (DeepPRL).
        Moh = "moh": "Mixture of HyperNetworks with the SA-Time-LSTM encoder (DeepPRL)",
        /// MoH with plain towers.
        MohNoHyper = "moh-nohyper": "MoH ablation: plain towers instead of hypernetworks",
        /// MoH without mixture attention (each head reads its own tower only).
        MohNoAttention = "moh-noattention":
            "MoH ablation: no mixture attention (each head reads its own tower only)",
        /// MoH with one hypernetwork for all objectives.
        MohSharedHyper = "moh-sharedhyper":
            "MoH ablation: one hypernetwork shared by all objectives",
        /// MoH without the history encoder.
        MohNoEncoder = "moh-noencoder": "MoH ablation: no history encoder",
        /// The single-layer model.
        Lr = "lr": "single-layer logistic/linear model",
        /// Shared-Bottom, a plugin.
        Sb = "sb": "Shared-Bottom (plugin)",
        /// MMOE, a plugin.
        Mmoe = "mmoe": "MMOE (plugin)",
        /// The world's expected outcomes as the scores: no prediction error (simulator only).
        Truth = "truth":
            "the world's expected outcomes as scores: no prediction error (simulator only)",
    }
}

named_kinds! {
    /// A weight policy: what chooses the objective weights of each request.
    PolicyKind, "policy" {
        /// The contextual actor-critic (DeepPRL).
        Dcrl = "dcrl": "contextual actor-critic (DeepPRL)",
        /// DCRL without context in the state.
        DcrlNoContext = "dcrl-nocontext": "DCRL ablation: no context in the state",
        /// DCRL without user features in the state.
        DcrlNoUser = "dcrl-nouser": "DCRL ablation: not personalised (no user features)",
        /// DCRL with γ = 0.
        DcrlMyopic = "dcrl-myopic": "DCRL ablation: gamma = 0 (short-term only)",
        /// DCRL with twin critics, a delayed actor and target smoothing.
        DcrlTd3 = "dcrl-td3": "DCRL with the TD3 refinements",
        /// DCRL not conditioned on λ: one agent trained per λ of the grid.
        DcrlPerLambda = "dcrl-perlambda":
            "DCRL ablation: not conditioned on lambda (one agent trained per lambda)",
        /// DCRL without the nested static policy (logits from a random MLP, not `ln λ + …`).
        DcrlNoNest = "dcrl-nonest":
            "DCRL ablation: not nested (logits from a random MLP instead of ln lambda + ...)",
        /// DCRL with stage C: the critic's gradient fine-tunes the state's SA-Time-LSTM.
        DcrlFinetune = "dcrl-finetune":
            "DCRL with stage C: the critic's gradient fine-tunes the state's SA-Time-LSTM",
        /// The multi-objective RL baseline, a plugin.
        Morl = "morl": "multi-objective RL baseline, one weight vector for all users (plugin)",
        /// The best fixed weights on a simplex grid.
        Grid = "grid": "best fixed weights on a simplex grid, chosen on validation",
        /// The best fixed weights per user segment × hour bucket.
        GridSegmentHour = "grid-segment-hour":
            "best fixed weights per user segment x 4-hour bucket, chosen on validation (no RL)",
        /// The business preference as the weights, `w = λ` for every request.
        Static = "static": "fixed weights w = lambda (the business preference itself)",
        /// Uniform fixed weights for every λ.
        Uniform = "uniform": "uniform fixed weights, whatever lambda",
        /// The true best weights per user and context.
        Oracle = "oracle": "true best weights per user and context (simulator only)",
    }
}

/// How a predictor is built.
#[derive(Debug, Clone, PartialEq)]
pub enum PredictorBuild {
    /// An in-tree MoH with these settings.
    Moh(MohConfig),
    /// The in-tree single-layer model.
    Linear,
    /// A plugin baseline.
    Plugin(PluginModel),
    /// No model: the simulator ranks by the world's truth.
    Truth,
}

/// The predictors built as plugins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PluginModel {
    /// Shared-Bottom.
    SharedBottom,
    /// MMOE.
    Mmoe,
}

impl PluginModel {
    /// The plugin's name (its file is `…deepprl_plugin_<name>…`).
    pub fn plugin_name(self) -> &'static str {
        match self {
            Self::SharedBottom => "shared_bottom",
            Self::Mmoe => "mmoe",
        }
    }
}

impl PredictorKind {
    /// How to build this predictor, with a MoH ablation switch applied to `moh`.
    pub fn build(self, moh: &MohConfig) -> PredictorBuild {
        let mut c = moh.clone();
        match self {
            Self::Moh => {}
            Self::MohNoHyper => c.hyper = false,
            Self::MohNoAttention => c.mixture_attention = false,
            Self::MohSharedHyper => c.shared_hypernetwork = true,
            Self::MohNoEncoder => c.encoder = false,
            Self::Lr => return PredictorBuild::Linear,
            Self::Sb => return PredictorBuild::Plugin(PluginModel::SharedBottom),
            Self::Mmoe => return PredictorBuild::Plugin(PluginModel::Mmoe),
            Self::Truth => return PredictorBuild::Truth,
        }
        PredictorBuild::Moh(c)
    }

    /// The plugin that implements it, if it is one.
    pub fn plugin_name(self) -> Option<&'static str> {
        match self.build(&MohConfig::default()) {
            PredictorBuild::Plugin(m) => Some(m.plugin_name()),
            PredictorBuild::Moh(_) | PredictorBuild::Linear | PredictorBuild::Truth => None,
        }
    }

    /// Whether it exists only in the simulator.
    pub fn needs_world(self) -> bool {
        self == Self::Truth
    }
}

/// What stage B does with a policy.
#[derive(Debug, Clone, PartialEq)]
pub enum PolicyBuild {
    /// DCRL with these settings: conditioned on λ, one agent trained for the whole grid;
    /// per-λ (`conditioned = false`), one agent trained per λ of the grid.
    Dcrl(Box<DcrlConfig>),
    /// The MORL plugin, one agent trained per λ of the grid.
    Morl,
    /// The best fixed weights on the grid, chosen on the selection episodes or requests.
    Grid,
    /// The best fixed weights per user segment × hour bucket: coordinate ascent from the
    /// grid's best weights on the selection episodes or requests.
    GridSegmentHour,
    /// Fixed weights `w = λ`.
    Static,
    /// Uniform fixed weights for every λ.
    Uniform,
    /// The world's true best weights (simulator only).
    Oracle,
}

impl PolicyKind {
    /// How stage B runs this policy, with a DCRL ablation switch applied to `dcrl`.
    pub fn build(self, dcrl: &DcrlConfig) -> PolicyBuild {
        let mut c = dcrl.clone();
        match self {
            Self::Dcrl => {}
            Self::DcrlNoContext => c.context = false,
            Self::DcrlNoUser => {
                // Without the user part there is no encoder to fine-tune.
                c.personalised = false;
                c.finetune_encoder = false;
            }
            Self::DcrlMyopic => c.gamma = Some(0.0),
            Self::DcrlTd3 => {
                c.twin_critics = true;
                c.policy_delay = 2;
                c.target_noise = 0.2;
            }
            Self::DcrlPerLambda => c.conditioned = false,
            Self::DcrlNoNest => c.nest = false,
            Self::DcrlFinetune => c.finetune_encoder = true,
            Self::Morl => return PolicyBuild::Morl,
            Self::Grid => return PolicyBuild::Grid,
            Self::GridSegmentHour => return PolicyBuild::GridSegmentHour,
            Self::Static => return PolicyBuild::Static,
            Self::Uniform => return PolicyBuild::Uniform,
            Self::Oracle => return PolicyBuild::Oracle,
        }
        PolicyBuild::Dcrl(Box::new(c))
    }

    /// Whether the policy learns (so stage B trains it: once for the whole λ grid when it is a
    /// conditioned DCRL, once per λ otherwise).
    pub fn learns(self) -> bool {
        match self.build(&DcrlConfig::default()) {
            PolicyBuild::Dcrl(_) | PolicyBuild::Morl => true,
            PolicyBuild::Grid
            | PolicyBuild::GridSegmentHour
            | PolicyBuild::Static
            | PolicyBuild::Uniform
            | PolicyBuild::Oracle => false,
        }
    }

    /// Whether the policy reads the state's user encoding, the SA-Time-LSTM of the run's MoH
    /// (DCRL and its ablations): stage A then trains that MoH for the dataset and seed
    /// whatever the method's predictor.
    pub fn reads_state(self) -> bool {
        matches!(self.build(&DcrlConfig::default()), PolicyBuild::Dcrl(_))
    }

    /// The plugin that implements it, if it is one.
    pub fn plugin_name(self) -> Option<&'static str> {
        (self == Self::Morl).then_some("morl")
    }
}

/// A method: `predictor+policy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Method {
    /// The predictor.
    pub predictor: PredictorKind,
    /// The weight policy.
    pub policy: PolicyKind,
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
                PredictorKind::known(),
                PolicyKind::known()
            )
        };
        let (p, q) = text
            .split_once('+')
            .ok_or_else(|| Error::Usage(format!("unknown method `{text}`: {}", known())))?;
        let predictor = p.parse().map_err(|_| {
            Error::Usage(format!("unknown predictor `{p}` in method `{text}`: {}", known()))
        })?;
        let policy = q.parse().map_err(|_| {
            Error::Usage(format!("unknown policy `{q}` in method `{text}`: {}", known()))
        })?;
        Ok(Self { predictor, policy })
    }

    /// `predictor+policy`.
    pub fn name(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}+{}", self.predictor, self.policy)
    }
}

impl FromStr for Method {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Method {
    type Error = Error;
    fn try_from(s: String) -> Result<Self> {
        Self::parse(&s)
    }
}

impl From<Method> for String {
    fn from(m: Method) -> String {
        m.to_string()
    }
}

/// The ablation grid of docs/DESIGN.md §4: every predictor × policy of the baselines, plus
/// the MoH and DCRL ablations combined with the other half of DeepPRL.
pub fn ablation_grid(simulator: bool) -> Vec<String> {
    use PolicyKind as Q;
    use PredictorKind as P;
    let mut out = Vec::new();
    for p in [P::Moh, P::Sb, P::Mmoe] {
        for q in [Q::Dcrl, Q::Morl, Q::Grid, Q::Static] {
            out.push(Method { predictor: p, policy: q });
        }
    }
    for p in [P::MohNoHyper, P::MohNoAttention, P::MohSharedHyper, P::MohNoEncoder] {
        out.push(Method { predictor: p, policy: Q::Dcrl });
    }
    for q in [
        Q::DcrlNoContext,
        Q::DcrlNoUser,
        Q::DcrlMyopic,
        Q::DcrlTd3,
        Q::DcrlPerLambda,
        Q::DcrlNoNest,
        Q::DcrlFinetune,
    ] {
        out.push(Method { predictor: P::Moh, policy: q });
    }
    if simulator {
        out.push(Method { predictor: P::Moh, policy: Q::Oracle });
    }
    out.into_iter().map(|m| m.to_string()).collect()
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
        match PredictorKind::MohNoHyper.build(&base) {
            PredictorBuild::Moh(c) => assert!(!c.hyper),
            other => panic!("moh-nohyper builds {other:?}"),
        }
        let gsh = Method::parse("lr+grid-segment-hour").unwrap();
        assert_eq!(gsh.policy.build(&DcrlConfig::default()), PolicyBuild::GridSegmentHour);
        assert!(!gsh.policy.learns() && !gsh.policy.reads_state(), "no RL, no encoder");
        match PolicyKind::DcrlMyopic.build(&DcrlConfig::default()) {
            PolicyBuild::Dcrl(c) => assert_eq!(c.gamma, Some(0.0)),
            other => panic!("dcrl-myopic builds {other:?}"),
        }
    }

    #[test]
    fn the_conditioning_and_nesting_ablations_switch_their_key_only() {
        let base = DcrlConfig::default();
        assert!(base.conditioned && base.nest);
        let built = |kind: PolicyKind| match kind.build(&base) {
            PolicyBuild::Dcrl(c) => *c,
            other => panic!("{kind} builds {other:?}"),
        };
        assert_eq!(
            built(PolicyKind::DcrlPerLambda),
            DcrlConfig { conditioned: false, ..base.clone() }
        );
        assert_eq!(built(PolicyKind::DcrlNoNest), DcrlConfig { nest: false, ..base.clone() });
        assert_eq!(
            built(PolicyKind::DcrlFinetune),
            DcrlConfig { finetune_encoder: true, ..base.clone() }
        );
        let finetuned = DcrlConfig { finetune_encoder: true, ..base.clone() };
        match PolicyKind::DcrlNoUser.build(&finetuned) {
            PolicyBuild::Dcrl(c) => assert!(!c.personalised && !c.finetune_encoder),
            other => panic!("{other:?}"),
        }
        assert_eq!(built(PolicyKind::Dcrl), base);
        assert_eq!(Method::parse("moh+uniform").unwrap().policy, PolicyKind::Uniform);
        assert_eq!(PolicyKind::Static.build(&base), PolicyBuild::Static);
        assert!(!PolicyKind::Uniform.learns() && !PolicyKind::Uniform.reads_state());
        assert_eq!(Method::parse("moh+dcrl-perlambda").unwrap().policy, PolicyKind::DcrlPerLambda);
        assert_eq!(Method::parse("moh+dcrl-nonest").unwrap().policy, PolicyKind::DcrlNoNest);
        let grid = ablation_grid(false);
        for m in ["moh+dcrl-perlambda", "moh+dcrl-nonest"] {
            assert!(grid.iter().any(|g| g == m), "{m} is not in the ablation grid {grid:?}");
        }
        assert!(PolicyKind::DcrlPerLambda.learns() && PolicyKind::DcrlNoNest.learns());
    }

    #[test]
    fn every_name_round_trips_and_orders_as_its_text() {
        for (k, _) in PredictorKind::ALL {
            assert_eq!(k.name().parse::<PredictorKind>().unwrap(), *k);
        }
        for (k, _) in PolicyKind::ALL {
            assert_eq!(k.to_string().parse::<PolicyKind>().unwrap(), *k);
            assert_eq!(k.learns(), k.name().starts_with("dcrl") || *k == PolicyKind::Morl);
        }
        let mut names: Vec<&str> = PredictorKind::ALL.iter().map(|(k, _)| k.name()).collect();
        let mut kinds: Vec<PredictorKind> = PredictorKind::ALL.iter().map(|(k, _)| *k).collect();
        names.sort_unstable();
        kinds.sort();
        assert_eq!(kinds.iter().map(|k| k.name()).collect::<Vec<_>>(), names);
        let json = serde_json::to_string(&Method::parse("sb+morl").unwrap()).unwrap();
        assert_eq!(json, "\"sb+morl\"");
        let err = "cnn".parse::<PredictorKind>().unwrap_err().to_string();
        assert!(err.contains("unknown predictor `cnn`") && err.contains("lr, sb, mmoe"), "{err}");
    }
}
