//! What the criterion benches share: the criterion settings and seeded inputs.
//!
//! The short preset (for CI, which has 2 cores) is chosen by the environment variable
//! `DEEPPRL_BENCH_QUICK` or the argument `--quick` (`cargo xtask bench --quick`).
// Each bench binary includes this module and uses a subset of it.
#![allow(dead_code)]

use criterion::Criterion;
use deepprl_core::{init, rng::seeded};
use ndarray::{Array, Dimension, ShapeBuilder};
use std::time::Duration;

/// Whether the short preset was asked for.
pub fn quick() -> bool {
    std::env::var_os("DEEPPRL_BENCH_QUICK").is_some() || std::env::args().any(|a| a == "--quick")
}

/// The criterion settings of every deepprl bench.
pub fn config() -> Criterion {
    let c = Criterion::default();
    if quick() {
        c.sample_size(10)
            .warm_up_time(Duration::from_millis(200))
            .measurement_time(Duration::from_millis(600))
    } else {
        c.sample_size(30)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(3))
    }
}

/// An `f32` array with entries from U(-1, 1), from a generator seeded with `seed`.
pub fn random<Sh: ShapeBuilder>(shape: Sh, seed: u64) -> Array<f32, Sh::Dim>
where
    Sh::Dim: Dimension,
{
    init::uniform(shape, 1.0, &mut seeded(seed))
}
