//! Every way a plugin can fail is a typed error, and the host keeps running: one test per case.

mod common;

use anyhow::Result;
use common::{fixture, fixture_dir, plugin, plugin_dir};
use deepprl_models::testing::{random_batch, tiny_schema};
use deepprl_models::{Batch, CatField, FieldRole, ObjectiveKind, Predictor, Schema};
use deepprl_plugins::testing::library_file;
use deepprl_plugins::{
    CallError, CreateOptions, Error, LoadError, ModelHandle, PluginPredictor, PluginRegistry,
    Status, discover, plugin_error,
};
use ndarray::{Array2, array};

fn scratch_dir(name: &str) -> Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("deepprl-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// The status and message of a failed plugin call.
fn call_error<T: std::fmt::Debug>(r: deepprl_plugins::Result<T>) -> CallError {
    match r {
        Err(Error::Call(e)) => e,
        other => panic!("expected a call error, got {other:?}"),
    }
}

fn mmoe(config: &str, schema: &Schema) -> deepprl_plugins::Result<PluginPredictor> {
    PluginPredictor::new(&plugin("deepprl-plugin-mmoe"), config, schema, CreateOptions::default())
}

#[test]
fn a_missing_file_is_not_found() {
    let path = std::env::temp_dir().join(library_file("deepprl_plugin_does_not_exist"));
    let err = PluginRegistry::new().load(&path).unwrap_err();
    assert!(matches!(err, LoadError::NotFound { .. }), "{err}");
}

#[test]
fn a_file_that_is_not_a_library_is_refused_before_the_loader_sees_it() -> Result<()> {
    let path = scratch_dir("not-a-library")?.join(library_file("deepprl_plugin_text"));
    std::fs::write(&path, "this is not a shared library\n")?;
    let err = PluginRegistry::new().load(&path).unwrap_err();
    assert!(matches!(err, LoadError::Malformed { .. }), "{err}");
    assert!(
        err.to_string().contains("not a loadable library: not an ELF, Mach-O or PE file"),
        "{err}"
    );
    Ok(())
}

#[test]
fn a_library_without_the_entry_symbol_is_refused() {
    let err = PluginRegistry::new().load(&fixture("no_entry")).unwrap_err();
    assert!(
        matches!(&err, LoadError::MissingSymbol { symbol, .. } if symbol == "deepprl_plugin_entry_v1"),
        "{err}"
    );
}

#[test]
fn a_wrong_magic_number_is_refused() {
    let err = PluginRegistry::new().load(&fixture("bad_magic")).unwrap_err();
    let expected = u64::from_le_bytes(*b"NOTAPLUG");
    assert!(matches!(err, LoadError::BadMagic { found, .. } if found == expected), "{err}");
}

#[test]
fn an_abi_major_mismatch_is_refused() {
    let err = PluginRegistry::new().load(&fixture("abi_major_2")).unwrap_err();
    assert!(matches!(err, LoadError::AbiMismatch { plugin: (2, 2), host: (1, 2), .. }), "{err}");
    assert!(err.to_string().contains("built for plugin ABI 2.2, this host speaks 1.2"), "{err}");
}

#[test]
fn a_predictor_older_than_the_batch_layout_is_refused_naming_the_file_and_both_versions() {
    let path = fixture("abi_minor_0");
    let err = PluginRegistry::new().load(&path).unwrap_err();
    assert!(
        matches!(&err, LoadError::LayoutTooOld { path: p, plugin: (1, 0), need: (1, 1) }
            if p.ends_with(path.file_name().unwrap())),
        "{err}"
    );
    let text = err.to_string();
    assert!(text.contains(&path.file_name().unwrap().to_string_lossy().into_owned()), "{text}");
    assert!(text.contains("plugin ABI 1.0, older than the batch layout of ABI 1.1"), "{text}");
}

/// The schema the lookup fixture fits: one id column, one objective, histories of length `l`.
fn lookup_schema(history_len: usize) -> Schema {
    Schema {
        cat_fields: vec![CatField { name: "item".into(), role: FieldRole::Item, cardinality: 4 }],
        n_numeric: 0,
        objectives: vec![("y".into(), ObjectiveKind::Continuous)],
        history_len,
    }
}

#[test]
fn a_predictor_built_for_abi_1_1_serves_schemas_without_histories_only() -> Result<()> {
    let path = fixture("abi_minor_1");
    let old = PluginRegistry::global().load(&path)?;
    assert_eq!(old.info().abi, (1, 1));
    // Without histories the 1.2 layout is the 1.1 layout: the old predictor reads it right.
    let schema = lookup_schema(0);
    let model = PluginPredictor::new(&old, "", &schema, CreateOptions::default())?;
    let batch = Batch {
        cat: array![[3], [1]],
        num: Array2::zeros((2, 0)),
        history: None,
        labels: Array2::zeros((2, 1)),
    };
    assert_eq!(model.predict(&batch)?, array![[3.0], [1.0]]);
    // With histories it would misread `x`: refused before a model is created.
    let err = PluginPredictor::new(&old, "", &lookup_schema(2), CreateOptions::default())
        .expect_err("histories need ABI 1.2");
    assert!(
        matches!(&err, Error::Load(LoadError::LayoutTooOld { path: p, plugin: (1, 1), need: (1, 2) })
            if p == &path),
        "{err}"
    );
    let text = err.to_string();
    assert!(text.contains("plugin ABI 1.1, older than the batch layout of ABI 1.2"), "{text}");
    // The current fixture takes the same schema with histories (and then fails only on width).
    let new = PluginRegistry::global().load(&fixture("lookup"))?;
    let err = PluginPredictor::new(&new, "", &lookup_schema(2), CreateOptions::default())
        .expect_err("the lookup fixture has one input column");
    assert!(
        matches!(&err, Error::Mismatch { reason, .. }
            if reason == "model maps 1 inputs to 1 outputs, the schema needs 9 to 1"),
        "{err}"
    );
    Ok(())
}

#[test]
fn bad_toml_is_an_invalid_config() {
    let err = call_error(mmoe("n_experts = = 4", &tiny_schema(2, 0)));
    assert_eq!((err.status, err.function), (Status::InvalidConfig, "create"));
    assert!(err.message.contains("line 1"), "{}", err.message);
}

#[test]
fn an_unknown_key_is_an_invalid_config_naming_it() {
    let err = call_error(mmoe("n_expert = 4", &tiny_schema(2, 0)));
    assert_eq!(err.status, Status::InvalidConfig);
    assert!(err.message.contains("unknown field `n_expert`"), "{}", err.message);
    let err = call_error(mmoe("n_experts = 0", &tiny_schema(2, 0)));
    assert!(err.message.contains("`n_experts` must be at least 1"), "{}", err.message);
}

#[test]
fn a_shape_mismatch_is_reported_and_the_handle_still_works() -> Result<()> {
    let schema = tiny_schema(2, 0);
    let model = mmoe("", &schema)?;
    let handle = model.handle();
    let err = call_error(handle.forward(Array2::zeros((3, 5)).view()));
    assert_eq!(
        (err.status, err.message.as_str()),
        (Status::Shape, "x has shape [3, 5], want [batch, 6]")
    );
    let err = call_error(handle.train_step(
        Array2::zeros((3, 6)).view(),
        Array2::zeros((2, 2)).view(),
        &[1.0, 1.0],
    ));
    assert_eq!(
        (err.status, err.message.as_str()),
        (Status::Shape, "targets has shape [2, 2], want [3, 2]")
    );
    let err = call_error(handle.forward(array![[9.0, 0.0, 0.0, 0.0, 0.5, 0.5]].view()));
    assert_eq!(err.status, Status::InvalidInput);
    assert!(err.message.contains("field `user` has id 9"), "{}", err.message);
    assert!(!handle.is_refused());
    assert_eq!(
        model.predict(&random_batch(&schema, 4, &mut deepprl_core::rng::seeded(0)))?.dim(),
        (4, 2)
    );
    Ok(())
}

#[test]
fn a_panic_inside_the_plugin_refuses_the_handle_and_the_host_keeps_running() -> Result<()> {
    let lookup = PluginRegistry::global().load(&fixture("lookup"))?;
    let handle = ModelHandle::create(&lookup, "", 0, 1)?;
    assert_eq!(handle.forward(array![[3.0], [1.0]].view())?, array![[3.0], [1.0]]);
    let err = call_error(handle.forward(array![[7.0]].view()));
    assert_eq!((err.status, err.function), (Status::Panic, "forward"));
    assert!(err.message.contains("index out of bounds"), "{}", err.message);
    assert!(handle.is_refused());
    let refused = handle.forward(array![[1.0]].view()).unwrap_err();
    assert!(
        matches!(refused, Error::Refused { ref reason, .. } if reason == "a panic in `forward`"),
        "{refused}"
    );
    // The library and its other models are unaffected.
    let other = ModelHandle::create(&lookup, "", 0, 1)?;
    assert_eq!(other.forward(array![[2.0]].view())?, array![[2.0]]);
    Ok(())
}

#[test]
fn errors_reach_predictor_callers_as_the_plugin_variant_with_the_typed_source() -> Result<()> {
    let schema = tiny_schema(2, 0);
    let mut model = mmoe("", &schema)?;
    model.set_lr(-1.0);
    let err =
        model.train_step(&random_batch(&schema, 4, &mut deepprl_core::rng::seeded(0))).unwrap_err();
    assert!(
        matches!(&err, deepprl_models::Error::Plugin { library, .. }
            if library.ends_with(library_file("deepprl-plugin-mmoe"))),
        "{err:?}"
    );
    let Some(Error::Refused { reason, .. }) = plugin_error(&err) else { panic!("{err}") };
    assert!(reason.contains("learning rate must be finite and >= 0, got -1"), "{reason}");
    let wrong =
        PluginPredictor::new(&plugin("deepprl-plugin-morl"), "", &schema, CreateOptions::default());
    assert!(matches!(wrong, Err(Error::WrongKind { .. })), "{wrong:?}");
    Ok(())
}

#[test]
fn discovery_lists_plugins_and_rejected_files_with_reasons() -> Result<()> {
    let dir = scratch_dir("discovery")?;
    for package in ["deepprl-plugin-mmoe", "deepprl-plugin-morl"] {
        std::fs::copy(plugin_dir().join(library_file(package)), dir.join(library_file(package)))?;
    }
    std::fs::write(dir.join(library_file("deepprl_plugin_text")), "not a library")?;
    std::fs::write(dir.join("README.txt"), "ignored: not a plugin file name")?;
    let report = discover(&PluginRegistry::new(), &[dir.clone(), fixture_dir().to_path_buf()]);
    let found: Vec<&str> = report.found.iter().map(|f| f.info.name.as_str()).collect();
    // The fixture built for ABI 1.1 is a predictor the host still accepts (for schemas without
    // histories), but it declares the current fixture's name in the same folder: both are
    // rejected as duplicates, each naming the other.
    assert_eq!(found, ["mmoe", "morl"], "{report}");
    assert_eq!(report.rejected.len(), 7, "{report}");
    let text = report.to_string();
    for reason in [
        "not a loadable library",
        "declares plugin `lookup_fixture`, as does",
        "bad magic",
        "built for plugin ABI 2.2",
        "older than the batch layout of ABI 1.1",
        "no `deepprl_plugin_entry_v1` symbol",
    ] {
        assert!(text.contains(reason), "{reason} missing from:\n{text}");
    }
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
