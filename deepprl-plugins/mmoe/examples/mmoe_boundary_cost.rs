//! The cost of the plugin boundary: time per training step of MMOE at batch 512,
//! in-process (the rlib) and through the plugin (flattening, the call, the private pool).
//!
//! ```text
//! cargo run --release -p deepprl-plugin-mmoe --example mmoe_boundary_cost
//! ```

use deepprl_core::rng::seeded;
use deepprl_models::testing::random_batch;
use deepprl_models::{CatField, FieldRole, ObjectiveKind, Schema};
use deepprl_plugin_mmoe::MmoePredictor;
use deepprl_plugins::testing::{compare_step_times, load_plugin_same_profile};
use deepprl_plugins::{CreateOptions, PluginPredictor};
use std::path::Path;

/// A recommendation-sized schema: six id fields, eight numeric features, three objectives.
fn schema() -> Schema {
    let field = |name: &str, role, cardinality| CatField { name: name.into(), role, cardinality };
    Schema {
        cat_fields: vec![
            field("user", FieldRole::User, 10_000),
            field("item", FieldRole::Item, 5_000),
            field("topic", FieldRole::ItemSide, 50),
            field("hour", FieldRole::Context, 24),
            field("weekday", FieldRole::Context, 7),
            field("device", FieldRole::Context, 4),
        ],
        n_numeric: 8,
        objectives: vec![
            ("click".into(), ObjectiveKind::Binary),
            ("long_view".into(), ObjectiveKind::Binary),
            ("watch_time".into(), ObjectiveKind::Continuous),
        ],
        history_len: 0,
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let plugin = load_plugin_same_profile("deepprl-plugin-mmoe")?;
    let (schema, config) = (schema(), "");
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut local = MmoePredictor::from_toml(config, Path::new("<inline>"), &schema, 0)?;
    let options = CreateOptions { seed: 0, n_threads: threads as u32 };
    let mut remote = PluginPredictor::new(&plugin, config, &schema, options)?;
    let rng = &mut seeded(1);
    let batches: Vec<_> = (0..20).map(|_| random_batch(&schema, 512, rng)).collect();
    let (t_local, t_remote) = compare_step_times(&mut local, &mut remote, &batches, 30)?;
    let overhead = (t_remote.as_secs_f64() / t_local.as_secs_f64() - 1.0) * 100.0;
    println!(
        "mmoe, batch 512, {threads} threads (median of 600 steps each, in alternating blocks of 20):"
    );
    println!("  in-process    {:>9.1} µs/step", t_local.as_secs_f64() * 1e6);
    println!("  plugin        {:>9.1} µs/step", t_remote.as_secs_f64() * 1e6);
    println!("  boundary cost {overhead:>+8.2} %");
    Ok(())
}
