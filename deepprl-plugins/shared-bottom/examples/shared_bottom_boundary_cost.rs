//! The cost of the plugin boundary: time per training step of Shared-Bottom at batch 512,
//! in-process (the rlib) and through the plugin (flattening, the call, the private pool).
//!
//! ```text
//! cargo run --release -p deepprl-plugin-shared-bottom --example shared_bottom_boundary_cost
//! ```

use deepprl_core::rng::seeded;
use deepprl_models::testing::random_batch;
use deepprl_plugin_shared_bottom::SharedBottomPredictor;
use deepprl_plugins::testing::{recommendation_schema, report_boundary_cost};
use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let schema = recommendation_schema();
    let mut local = SharedBottomPredictor::from_toml("", Path::new("<inline>"), &schema, 0)?;
    let rng = &mut seeded(1);
    let batches: Vec<_> = (0..20).map(|_| random_batch(&schema, 512, rng)).collect();
    report_boundary_cost("deepprl-plugin-shared-bottom", &mut local, &schema, &batches)
}
