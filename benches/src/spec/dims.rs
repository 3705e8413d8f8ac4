//! The sizes of the spec workloads, shrinkable for gradient checks.
//!
//! [`Dims::SPEC`] holds SPEC v1's sizes; [`Dims::TINY`] keeps every structural feature (several
//! fields, tasks, experts, time steps) at sizes where a finite-difference check of a whole
//! workload takes milliseconds.
//!
//! ```
//! use deepprl_benches::spec::Dims;
//! assert_eq!(Dims::SPEC.d_input(), 144);
//! assert_eq!(Dims::SPEC.d_generated(), 4161);
//! ```

/// Every size the spec names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dims {
    /// Examples per batch `B` (512).
    pub batch: usize,
    /// Rows of each embedding table (10 000).
    pub vocab: usize,
    /// Categorical fields, one table each (8).
    pub n_fields: usize,
    /// Embedding width (16).
    pub d_embedding: usize,
    /// Dense features (16).
    pub d_dense: usize,
    /// User-state width, the hypernetworks' input (32).
    pub d_user: usize,
    /// First bottom / expert layer width (256).
    pub d_hidden1: usize,
    /// Second bottom / expert layer width (128).
    pub d_hidden2: usize,
    /// Tower hidden width (64).
    pub d_tower: usize,
    /// Tasks, one binary label each (3).
    pub n_tasks: usize,
    /// MMOE experts (4).
    pub n_experts: usize,
    /// Hypernetwork hidden width (64).
    pub d_hyper: usize,
    /// Width of a generated tower, also the attention width (32).
    pub d_generated_tower: usize,
    /// LSTM time steps `T` (20).
    pub seq_len: usize,
    /// LSTM input width (32).
    pub d_seq: usize,
    /// LSTM hidden width (64).
    pub d_lstm: usize,
    /// Policy actions (3).
    pub n_actions: usize,
}

impl Dims {
    /// SPEC v1's sizes.
    pub const SPEC: Dims = Dims {
        batch: 512,
        vocab: 10_000,
        n_fields: 8,
        d_embedding: 16,
        d_dense: 16,
        d_user: 32,
        d_hidden1: 256,
        d_hidden2: 128,
        d_tower: 64,
        n_tasks: 3,
        n_experts: 4,
        d_hyper: 64,
        d_generated_tower: 32,
        seq_len: 20,
        d_seq: 32,
        d_lstm: 64,
        n_actions: 3,
    };

    /// Tiny sizes for finite-difference checks (labels need `n_tasks <= n_fields, d_dense`).
    pub const TINY: Dims = Dims {
        batch: 5,
        vocab: 7,
        n_fields: 3,
        d_embedding: 2,
        d_dense: 3,
        d_user: 3,
        d_hidden1: 5,
        d_hidden2: 4,
        d_tower: 3,
        n_tasks: 3,
        n_experts: 2,
        d_hyper: 3,
        d_generated_tower: 2,
        seq_len: 3,
        d_seq: 2,
        d_lstm: 3,
        n_actions: 3,
    };

    /// Width of the embedding block of the input, `n_fields · d_embedding` (128).
    pub fn d_embedded(&self) -> usize {
        self.n_fields * self.d_embedding
    }

    /// Width of the input `x = [embeddings | dense]` (144).
    pub fn d_input(&self) -> usize {
        self.d_embedded() + self.d_dense
    }

    /// Width of a hypernetwork's output `[W1 | b1 | w2 | b2]` (128·32 + 32 + 32 + 1 = 4161).
    pub fn d_generated(&self) -> usize {
        self.d_hidden2 * self.d_generated_tower + 2 * self.d_generated_tower + 1
    }
}
