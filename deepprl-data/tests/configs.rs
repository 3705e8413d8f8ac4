//! The shipped configs parse and validate, the world config lists the defaults, every key is
//! documented in `CONFIG.md`, and paths resolve against the config or `$DEEPPRL_DATA_ROOT`.

use deepprl_data::DatasetConfig;
use deepprl_data::config::FileRole;
use deepprl_data::world::WorldConfig;
use std::path::{Path, PathBuf};

fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn shipped_dataset_configs() -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(crate_dir().join("configs"))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "toml")
            && path.file_stem().is_some_and(|s| s != "world")
        {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

/// Every leaf key path of a TOML value, e.g. `source.root`, `objectives.kind`.
fn keys(value: &toml::Value, prefix: &str, out: &mut Vec<String>) {
    match value {
        toml::Value::Table(t) => {
            for (k, v) in t {
                let path = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                let nested = v.is_table()
                    || v.as_array().is_some_and(|a| a.iter().any(toml::Value::is_table));
                if !nested {
                    out.push(path.clone());
                }
                keys(v, &path, out);
            }
        }
        toml::Value::Array(a) => a.iter().for_each(|v| keys(v, prefix, out)),
        _ => {}
    }
}

#[test]
fn every_data_folder_has_a_valid_shipped_config() -> anyhow::Result<()> {
    let configs = shipped_dataset_configs()?;
    let names: Vec<String> =
        configs.iter().filter_map(|p| p.file_stem()).map(|s| s.to_string_lossy().into()).collect();
    assert_eq!(
        names,
        [
            "ali-ccp-sample",
            "aliexpress-us-sample",
            "census-income-kdd-sample",
            "kuairand-1k-scenariowise-sample",
            "kuairand-27k-likehate-kcore15"
        ]
    );
    for path in &configs {
        let cfg = DatasetConfig::from_toml_str(&std::fs::read_to_string(path)?, path, None)?;
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        assert_eq!(cfg.name, stem);
        for (_, file) in cfg.files() {
            // <crate>/configs/../../../shared/data/<folder>/<file>
            let shown = file.to_string_lossy().into_owned();
            assert!(shown.contains(&format!("/../../../shared/data/{stem}/")), "{shown}");
        }
    }
    Ok(())
}

#[test]
fn the_data_root_comes_from_the_config_or_the_environment() -> anyhow::Result<()> {
    let path = crate_dir().join("configs/kuairand-27k-likehate-kcore15.toml");
    let text = std::fs::read_to_string(&path)?;
    let cfg = DatasetConfig::from_toml_str(&text, &path, Some(Path::new("/mnt/data")))?;
    assert_eq!(
        cfg.files(),
        [(
            FileRole::Log,
            PathBuf::from(
                "/mnt/data/kuairand-27k-likehate-kcore15/processed_standard_kcore_15.csv"
            )
        )]
    );
    let absolute = text.replace(
        "file = \"kuairand-27k-likehate-kcore15/processed_standard_kcore_15.csv\"",
        "file = \"/srv/log.tsv\"",
    );
    let cfg = DatasetConfig::from_toml_str(&absolute, &path, Some(Path::new("/mnt/data")))?;
    assert_eq!(cfg.files()[0].1, Path::new("/srv/log.tsv"));
    Ok(())
}

#[test]
fn the_shipped_world_config_is_the_default() -> anyhow::Result<()> {
    let shipped = WorldConfig::from_file(&crate_dir().join("configs/world.toml"))?;
    assert_eq!(shipped, WorldConfig::default());
    let err = toml::from_str::<WorldConfig>("[log]\nday = 3\n").err().map(|e| e.to_string());
    assert!(err.is_some_and(|m| m.contains("day") && m.contains("line 2")));
    Ok(())
}

#[test]
fn config_md_documents_every_key() -> anyhow::Result<()> {
    let doc = std::fs::read_to_string(crate_dir().join("CONFIG.md"))?;
    let mut all = Vec::new();
    keys(&toml::Value::try_from(WorldConfig::default())?, "", &mut all);
    for path in shipped_dataset_configs()? {
        keys(&toml::from_str(&std::fs::read_to_string(path)?)?, "", &mut all);
    }
    let extra = [
        "source.file",
        "source.train",
        "source.valid",
        "source.test",
        "source.columns",
        "time.order",
    ];
    for key in all.iter().map(String::as_str).chain(extra) {
        // Feature transforms are keyed by column; their fields are documented once.
        let leaf = key.rsplit('.').next().unwrap_or(key);
        if key.starts_with("features.transforms.") && !["divide_by", "transform"].contains(&leaf) {
            continue;
        }
        assert!(
            doc.contains(&format!("`{leaf}`")) || doc.contains(&format!("`{key}`")),
            "CONFIG.md lacks `{key}`"
        );
    }
    Ok(())
}

#[test]
fn config_md_example_configs_are_valid() -> anyhow::Result<()> {
    let doc = std::fs::read_to_string(crate_dir().join("CONFIG.md"))?;
    let blocks: Vec<&str> = doc
        .split("```toml\n")
        .skip(1)
        .filter_map(|b| b.split("```").next())
        .filter(|b| b.contains("[source]"))
        .collect();
    assert!(blocks.iter().any(|b| b.contains("[events]")), "an event-log example");
    assert!(blocks.iter().any(|b| b.contains("[[joins]]")), "a join example");
    for b in blocks {
        deepprl_data::DatasetConfig::from_toml_str(b, std::path::Path::new("doc.toml"), None)?;
    }
    Ok(())
}
