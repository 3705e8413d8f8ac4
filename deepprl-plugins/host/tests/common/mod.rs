//! Shared by the host's integration tests: the plugins built once per test binary, the broken
//! fixture variants, and datasets as model batches.
// Each test binary uses a different part of this module.
#![allow(dead_code)]

use deepprl_data::{Dataset, Slice};
use deepprl_models::{Batch, CatField, FieldRole, ObjectiveKind, Schema};
use deepprl_plugins::testing::{
    PLUGIN_PACKAGES, build_plugins, cargo_build, library_file, target_dir,
};
use deepprl_plugins::{Plugin, PluginRegistry};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// The directory of the three baseline cdylibs, built on first use.
pub fn plugin_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| build_plugins(&PLUGIN_PACKAGES).expect("the plugin cdylibs build"))
}

/// The baseline plugin of `package`, loaded through the process-wide registry.
pub fn plugin(package: &str) -> Arc<Plugin> {
    let path = plugin_dir().join(library_file(package));
    PluginRegistry::global().load(&path).unwrap_or_else(|e| panic!("{e}"))
}

/// The fixture variants: the well-formed careless predictor, the same built for ABI 1.1 (before
/// the history columns) and four broken builds.
pub const FIXTURES: [(&str, &str); 6] = [
    ("lookup", ""),
    ("abi_major_2", "abi-major-2"),
    ("abi_minor_0", "abi-minor-0"),
    ("abi_minor_1", "abi-minor-1"),
    ("bad_magic", "bad-magic"),
    ("no_entry", "no-entry"),
];

/// The fixture cdylibs, built one by one into their own target directory and copied to
/// `libdeepprl_plugin_fixture_<variant>` files in one folder (so discovery sees them).
pub fn fixture_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let target = target_dir().join("plugin-fixtures");
        let out = target.join("out");
        std::fs::create_dir_all(&out).expect("a fixture folder");
        for (variant, feature) in FIXTURES {
            let mut args = vec!["-p", "deepprl-test-plugin"];
            if !feature.is_empty() {
                args.extend(["--features", feature]);
            }
            cargo_build(&args, &target).expect("the fixture builds");
            let built = target.join("debug").join(library_file("deepprl-test-plugin"));
            let dest = out.join(library_file(&format!("deepprl_plugin_fixture_{variant}")));
            // Copy then rename: a library another process still maps is replaced, not rewritten.
            let tmp = dest.with_extension("tmp");
            std::fs::copy(&built, &tmp).expect("copy the fixture");
            std::fs::rename(&tmp, &dest).expect("move the fixture in place");
        }
        out
    })
}

/// The fixture file of `variant`.
pub fn fixture(variant: &str) -> PathBuf {
    fixture_dir().join(library_file(&format!("deepprl_plugin_fixture_{variant}")))
}

/// The model-side schema of a dataset: user, item, context and categorical fields, the numeric
/// features and the objectives; no histories (the plugins are feature-based).
pub fn schema_of(ds: &Dataset) -> Schema {
    let m = &ds.meta;
    let field = |name: &str, role, cardinality| CatField { name: name.into(), role, cardinality };
    let mut cat_fields =
        vec![field("user", FieldRole::User, m.n_users), field("item", FieldRole::Item, m.n_items)];
    cat_fields.extend(m.context.iter().map(|f| field(&f.name, FieldRole::Context, f.cardinality)));
    cat_fields
        .extend(m.categorical.iter().map(|f| field(&f.name, FieldRole::Other, f.cardinality)));
    let objectives = m
        .objectives
        .iter()
        .map(|o| {
            let kind = match o.kind {
                deepprl_data::config::ObjectiveKind::Binary => ObjectiveKind::Binary,
                _ => ObjectiveKind::Continuous,
            };
            (o.name.clone(), kind)
        })
        .collect();
    Schema { cat_fields, n_numeric: m.numeric.len(), objectives, history_len: 0 }
}

/// The rows of `slice` as one model batch (numeric features standardised with the training
/// statistics, as the data crate's batcher does).
pub fn batch_of(ds: &Dataset, slice: Slice) -> Batch {
    let rows: Vec<usize> = ds.rows(slice).collect();
    let b = deepprl_data::Batch::from_rows(ds, &rows, None);
    let n = rows.len();
    let mut cat = ndarray::Array2::zeros((n, 2 + b.context.ncols() + b.categorical.ncols()));
    cat.column_mut(0).assign(&b.user.mapv(|v| v as usize));
    cat.column_mut(1).assign(&b.item.mapv(|v| v as usize));
    let side = ndarray::concatenate![ndarray::Axis(1), b.context, b.categorical];
    cat.slice_mut(ndarray::s![.., 2..]).assign(&side.mapv(|v| v as usize));
    Batch { cat, num: b.numeric, history: None, labels: b.outcomes }
}

/// A dataset shipped under `../shared/data`, by its config in `deepprl-data/configs`; `None`
/// (with a message) when the data is absent outside CI.
///
/// # Panics
/// Under `CI=true` when the data is absent, or when it is present but does not load.
pub fn sample_dataset(config: &str) -> Option<Dataset> {
    let root = deepprl_plugins::testing::workspace_root();
    let data = root.join("../shared/data");
    if !data.is_dir() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{} is missing under CI",
            data.display()
        );
        eprintln!(
            "skipping {config}: {} is absent (the shared data sits beside the repository)",
            data.display()
        );
        return None;
    }
    let path = root.join("deepprl-data/configs").join(config);
    Some(Dataset::from_config_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}
