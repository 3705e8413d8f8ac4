//! The project's random number generator: a named, portable algorithm.
//!
//! `StdRng` may change algorithm between `rand` versions; ChaCha8 gives the same stream on
//! every platform and version, so a seed in a run manifest reproduces the run.
//!
//! ```
//! use deepprl_core::rng::{seeded, worker_rng};
//! use ndarray_rand::rand::Rng;
//! let a: u64 = seeded(7).random();
//! assert_eq!(a, seeded(7).random::<u64>());
//! assert_ne!(worker_rng(7, 0).random::<u64>(), worker_rng(7, 1).random::<u64>());
//! ```

use ndarray_rand::rand::SeedableRng;

/// The project RNG: ChaCha8, seeded explicitly everywhere (there is no global RNG).
pub type DeepRng = rand_chacha::ChaCha8Rng;

/// A [`DeepRng`] seeded from a `u64`.
pub fn seeded(seed: u64) -> DeepRng {
    DeepRng::seed_from_u64(seed)
}

/// The RNG of parallel worker `worker` in a run seeded with `run_seed`.
///
/// Derived deterministically (a golden-ratio multiple of the worker index, xor the seed), so the
/// streams do not depend on which thread runs which worker.
pub fn worker_rng(run_seed: u64, worker: usize) -> DeepRng {
    DeepRng::seed_from_u64(run_seed ^ (worker as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15))
}
