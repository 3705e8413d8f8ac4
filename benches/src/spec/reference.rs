//! SPEC v1's published reference values (PyTorch 2.15, float32) and PyTorch's measured speed,
//! the expected values of the tests and the comparison columns of the benchmark report.
//!
//! ```
//! use deepprl_benches::spec::reference;
//! let sb = reference::workload("sb").unwrap();
//! assert_eq!(sb.torch_train_best(2), 168_100.0);
//! ```

/// Reference values of one workload.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkloadReference {
    /// Short name.
    pub name: &'static str,
    /// Number of scalar parameters.
    pub n_params: usize,
    /// Sum of the initial parameters.
    pub param_sum: f64,
    /// Losses of training steps 0..4 (Adam, lr 1e-3).
    pub losses: [f64; 5],
    /// Predictions for batch 0, row 0, after 5 steps.
    pub predictions: [f64; 3],
    /// FLOP per training step (the spec's accounting).
    pub flop_per_step: u64,
    /// PyTorch training examples/s, 2 threads, default Adam.
    pub torch_train_2t_default: f64,
    /// PyTorch training examples/s, 2 threads, fused Adam.
    pub torch_train_2t_fused: f64,
    /// PyTorch training examples/s, 1 thread, fused Adam.
    pub torch_train_1t_fused: f64,
    /// PyTorch inference examples/s, 2 threads.
    pub torch_infer_2t: f64,
    /// PyTorch's extra memory while training, MB (approximate).
    pub torch_extra_mb: f64,
}

impl WorkloadReference {
    /// The PyTorch training figure to beat with `threads` threads: the faster Adam variant with
    /// 2 threads, the fused 1-thread figure with 1.
    pub fn torch_train_best(&self, threads: usize) -> f64 {
        if threads == 1 {
            self.torch_train_1t_fused
        } else {
            self.torch_train_2t_default.max(self.torch_train_2t_fused)
        }
    }
}

/// The four workloads' references, in the spec's order.
pub const WORKLOADS: [WorkloadReference; 4] = [
    WorkloadReference {
        name: "sb",
        n_params: 1_374_979,
        param_sum: -254.718370,
        losses: [2.0803947, 2.0828242, 2.0799460, 2.0801222, 2.0802507],
        predictions: [0.503142, 0.494884, 0.502485],
        flop_per_step: 289_996_800,
        torch_train_2t_default: 85_700.0,
        torch_train_2t_fused: 168_100.0,
        torch_train_1t_fused: 105_200.0,
        torch_infer_2t: 800_000.0,
        torch_extra_mb: 200.0,
    },
    WorkloadReference {
        name: "mmoe",
        n_params: 1_586_767,
        param_sum: 520.022138,
        losses: [2.0827172, 2.0807567, 2.0807631, 2.0789258, 2.0796733],
        predictions: [0.500968, 0.505584, 0.499540],
        flop_per_step: 941_752_320,
        torch_train_2t_default: 42_700.0,
        torch_train_2t_fused: 65_100.0,
        torch_train_1t_fused: 38_300.0,
        torch_infer_2t: 239_000.0,
        torch_extra_mb: 210.0,
    },
    WorkloadReference {
        name: "hn",
        n_params: 2_169_795,
        param_sum: -108.666960,
        losses: [2.0908616, 2.0930982, 2.0934811, 2.0926116, 2.0911391],
        predictions: [0.477942, 0.478573, 0.510600],
        flop_per_step: 2_739_437_568,
        torch_train_2t_default: 11_300.0,
        torch_train_2t_fused: 18_700.0,
        torch_train_1t_fused: 11_200.0,
        torch_infer_2t: 80_000.0,
        torch_extra_mb: 305.0,
    },
    WorkloadReference {
        name: "lstm",
        n_params: 25_283,
        param_sum: -7.329440,
        losses: [0.0079853, 0.0352141, 0.0163110, -0.0206208, -0.0116631],
        predictions: [0.334112, 0.333305, 0.332583],
        flop_per_step: 1_342_767_104,
        torch_train_2t_default: 30_700.0,
        torch_train_2t_fused: 31_900.0,
        torch_train_1t_fused: 21_000.0,
        torch_infer_2t: 265_000.0,
        torch_extra_mb: 236.0,
    },
];

/// Relative tolerance of the step-0 loss: the spec's bar for "the same function with the same
/// initial weights".
pub const STEP0_REL_TOL: f64 = 1e-5;

/// Tolerance of the losses of steps 1–4, relative to `max(|reference|, LATER_LOSS_FLOOR)`.
///
/// After step 0 the trajectories also differ by the rounding of the Adam updates (the first
/// update moves each weight by about `lr · sign(g)`, so a gradient whose sign is decided by
/// rounding moves by a full `lr`), and the lstm loss is a mean of ±0.5-sized terms that nearly
/// cancel, so a relative bar on its value would be meaningless.
/// Measured deviations are ≤ 5e-7 relative for sb/mmoe/hn and ≤ 4e-8 absolute for lstm;
/// 1e-5 of `max(|ref|, 0.1)` leaves 20–30x headroom for other summation orders (other CPUs,
/// matrix kernels) while still catching any wrong update rule (those move the loss by ≥ 1e-4).
pub const LATER_REL_TOL: f64 = 1e-5;

/// Floor of the scale in [`LATER_REL_TOL`].
pub const LATER_LOSS_FLOOR: f64 = 0.1;

/// Absolute tolerance of the predictions after 5 steps (printed with 6 decimals).
pub const PREDICTION_ABS_TOL: f64 = 2e-6;

/// The error of the loss of training step `step` measured against `reference`: relative for step
/// 0, relative to `max(|reference|, LATER_LOSS_FLOOR)` after it.
pub fn loss_error(step: usize, got: f64, reference: f64) -> f64 {
    let scale = if step == 0 { reference.abs() } else { reference.abs().max(LATER_LOSS_FLOOR) };
    (got - reference).abs() / scale
}

/// Whether the loss of step `step` is within its tolerance.
pub fn loss_ok(step: usize, got: f64, reference: f64) -> bool {
    let tol = if step == 0 { STEP0_REL_TOL } else { LATER_REL_TOL };
    loss_error(step, got, reference) <= tol
}

/// The reference of workload `name`.
pub fn workload(name: &str) -> Option<&'static WorkloadReference> {
    WORKLOADS.iter().find(|w| w.name == name)
}

/// Batch 0's statistics as the spec lists them.
pub mod batch0 {
    /// Sum of `ids`.
    pub const IDS_SUM: usize = 20_459_525;
    /// `ids[0, :]`.
    pub const IDS_ROW0: [usize; 8] = [6896, 1001, 8166, 2866, 5852, 6099, 2732, 2862];
    /// Sum of `dense`.
    pub const DENSE_SUM: f64 = 79.565323;
    /// `dense[0][0]`.
    pub const DENSE_00: f32 = 0.5687499;
    /// Sum of `user`.
    pub const USER_SUM: f64 = -26.519526;
    /// Mean of each label column.
    pub const LABEL_MEANS: [f64; 3] = [0.501953125, 0.484375, 0.517578125];
    /// Sum of `seq`.
    pub const SEQ_SUM: f64 = -249.52019;
    /// How often each action occurs.
    pub const ACT_COUNTS: [usize; 3] = [165, 171, 176];
    /// Sum of `adv`.
    pub const ADV_SUM: f64 = 3.429414;
}
