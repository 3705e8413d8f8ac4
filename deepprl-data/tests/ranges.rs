//! Every numeric key of the dataset config and of the world config has a range, checked when
//! the file is read: a value out of it, NaN or an infinity is an error naming the file, the key
//! and the range, never an allocation abort or a panic later (issue 18).

mod common;

use deepprl_data::world::WorldConfig;
use deepprl_data::{DatasetConfig, Error};
use std::path::Path;

/// A dataset config with every numeric key set.
const CONFIG: &str = r#"
name = "ranges"
reference_point = [0.0, 0.0]
[source]
file = "log.csv"
[ids]
user = "user"
item = "item"
[time]
column = "time"
utc_offset_hours = 8
[features]
numeric = ["price"]
transforms.price = { divide_by = 100 }
[[objectives]]
name = "click"
column = "click"
kind = "binary"
[[objectives]]
name = "watch"
column = "watch"
kind = "continuous"
divide_by = 1000
transform = "log1p"
[split]
valid = 0.1
test = 0.1
[sequence]
history_len = 20
[requests]
window_secs = 600
min_candidates = 2
"#;

fn read(config: &str) -> deepprl_data::Result<DatasetConfig> {
    DatasetConfig::from_toml_str(config, Path::new("cfg/ranges.toml"), None)
}

/// The key and message of an [`Error::InvalidConfig`].
fn invalid<T: std::fmt::Debug>(
    result: deepprl_data::Result<T>,
) -> anyhow::Result<(String, String)> {
    let e = match result {
        Ok(v) => anyhow::bail!("expected an invalid config, got {v:?}"),
        Err(e) => e,
    };
    let msg = e.to_string();
    match e {
        Error::InvalidConfig { key, .. } => Ok((key, msg)),
        other => anyhow::bail!("expected an invalid config, got {other:?}"),
    }
}

#[test]
fn the_fixture_config_is_valid() -> anyhow::Result<()> {
    read(CONFIG)?;
    Ok(())
}

#[test]
fn counts_out_of_range_name_the_key_and_the_range() -> anyhow::Result<()> {
    for (from, to, key, range) in [
        ("history_len = 20", "history_len = 100000000", "sequence.history_len", "[1, 1000]"),
        ("history_len = 20", "history_len = 0", "sequence.history_len", "[1, 1000]"),
        (
            "window_secs = 600",
            "window_secs = 9223372036854775807",
            "requests.window_secs",
            "[1, 31536000]",
        ),
        ("window_secs = 600", "window_secs = -5", "requests.window_secs", "[1, 31536000]"),
        (
            "min_candidates = 2",
            "min_candidates = 1000000000",
            "requests.min_candidates",
            "[1, 10000]",
        ),
    ] {
        let (k, msg) = invalid(read(&CONFIG.replace(from, to)))?;
        assert_eq!(k, key, "{msg}");
        assert!(msg.contains("cfg/ranges.toml") && msg.contains(range), "{msg}");
    }
    Ok(())
}

#[test]
fn a_history_len_of_u64_max_is_an_error_naming_the_key_not_an_ndarray_panic() -> anyhow::Result<()>
{
    for (key, value) in
        [("history_len", "18446744073709551615"), ("min_candidates", "18446744073709551615")]
    {
        let config = CONFIG.replacen(&format!("{key} = "), &format!("{key} = {value}\n# was "), 1);
        let (k, msg) = invalid(read(&config))?;
        assert!(k.ends_with(key), "{msg}");
        assert!(msg.contains(&format!("got {value}")), "{msg}");
    }
    // Beyond u64 the TOML parser refuses the number, naming the line.
    let config = CONFIG.replace("history_len = 20", "history_len = 18446744073709551616");
    let line = 1 + CONFIG.lines().position(|l| l.starts_with("history_len")).unwrap_or(0);
    let err = read(&config).expect_err("beyond u64");
    let msg = err.to_string();
    assert!(matches!(err, Error::ConfigSyntax { .. }), "{err:?}");
    assert!(msg.contains("cfg/ranges.toml") && msg.contains(&format!("line {line}")), "{msg}");
    Ok(())
}

#[test]
fn nan_and_infinities_are_rejected_for_every_float_key() -> anyhow::Result<()> {
    for (from, key) in [
        ("reference_point = [0.0, 0.0]", "reference_point[1]"),
        ("utc_offset_hours = 8", "time.utc_offset_hours"),
        ("{ divide_by = 100 }", "features.transforms.price.divide_by"),
        ("divide_by = 1000", "objectives[1].divide_by"),
        ("valid = 0.1", "split.valid"),
        ("test = 0.1", "split.test"),
    ] {
        for bad in ["nan", "inf", "-inf"] {
            let to = match from {
                "reference_point = [0.0, 0.0]" => format!("reference_point = [0.0, {bad}]"),
                "{ divide_by = 100 }" => format!("{{ divide_by = {bad} }}"),
                f => format!("{} = {bad}", f.split(" = ").next().unwrap_or(f)),
            };
            let config = CONFIG.replacen(from, &to, 1);
            let (k, msg) = invalid(read(&config))?;
            assert_eq!(k, key, "{from} -> {to}: {msg}");
            assert!(msg.contains("finite"), "{msg}");
        }
    }
    Ok(())
}

/// The world's keys whose values are numbers, with their paths (`log.days`), from the default
/// config: every key, so a key added later without a range check fails this test.
fn world_number_keys() -> anyhow::Result<Vec<(String, toml::Value)>> {
    fn walk(v: &toml::Value, prefix: &str, out: &mut Vec<(String, toml::Value)>) {
        match v {
            toml::Value::Table(t) => {
                for (k, v) in t {
                    let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                    walk(v, &key, out);
                }
            }
            toml::Value::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    walk(v, &format!("{prefix}[{i}]"), out);
                }
            }
            toml::Value::Integer(_) | toml::Value::Float(_) => out.push((prefix.into(), v.clone())),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(&toml::Value::try_from(WorldConfig::default())?, "", &mut out);
    Ok(out)
}

/// The default world with `key` set to `value`.
fn world_with(key: &str, value: toml::Value) -> anyhow::Result<WorldConfig> {
    let mut root = toml::Value::try_from(WorldConfig::default())?;
    let mut at = &mut root;
    for part in key.split('.') {
        let (name, index) = match part.split_once('[') {
            Some((n, i)) => (n, Some(i.trim_end_matches(']').parse::<usize>()?)),
            None => (part, None),
        };
        at = at.get_mut(name).ok_or_else(|| anyhow::anyhow!("no key {key}"))?;
        if let Some(i) = index {
            at = at.get_mut(i).ok_or_else(|| anyhow::anyhow!("no index in {key}"))?;
        }
    }
    *at = value;
    Ok(root.try_into()?)
}

#[test]
fn every_world_float_key_rejects_nan_and_infinities_by_name() -> anyhow::Result<()> {
    let floats: Vec<String> =
        world_number_keys()?.into_iter().filter(|(_, v)| v.is_float()).map(|(k, _)| k).collect();
    assert!(floats.len() >= 38, "{floats:?}");
    for key in &floats {
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let (k, msg) = invalid(world_with(key, toml::Value::Float(bad))?.validate())?;
            assert_eq!(&k, key, "{msg}");
            assert!(msg.contains("must be a finite number in"), "{msg}");
        }
    }
    Ok(())
}

#[test]
fn every_world_count_rejects_huge_values_by_name_and_range() -> anyhow::Result<()> {
    let counts: Vec<String> = world_number_keys()?
        .into_iter()
        .filter(|(k, v)| v.is_integer() && k != "seed")
        .map(|(k, _)| k)
        .collect();
    assert_eq!(counts.len(), 12, "{counts:?}");
    for key in &counts {
        let (k, msg) =
            invalid(world_with(key, toml::Value::Integer(1_000_000_000_000))?.validate())?;
        assert_eq!(&k, key, "{msg}");
        assert!(msg.contains("must be an integer in ["), "{msg}");
    }
    // The seed takes any value.
    world_with("seed", toml::Value::Integer(i64::MAX))?.validate()?;
    Ok(())
}

#[test]
fn a_world_of_a_billion_users_is_an_error_naming_the_file_key_and_range() -> anyhow::Result<()> {
    let dir = common::temp_dir("world-users")?;
    let path = common::write(&dir, "world.toml", "n_users = 1000000000\n")?;
    let (k, msg) = invalid(WorldConfig::from_file(&path))?;
    assert_eq!(k, "n_users");
    assert!(msg.contains("world.toml") && msg.contains("[1, 1000000], got 1000000000"), "{msg}");
    // Within the count's range, the log's size is checked as a product of its factors.
    let (k, msg) = invalid(world_with("n_users", toml::Value::Integer(1_000_000))?.validate())?;
    assert_eq!(k, "n_users");
    assert!(msg.contains("1000000 × 14 × 20 × 5 = 1400000000 impressions"), "{msg}");
    let (k, msg) = invalid(
        WorldConfig { n_users: 100_000, n_topics: 1_000, ..WorldConfig::small() }.validate(),
    )?;
    assert_eq!(k, "n_topics");
    assert!(msg.contains("per-(user, topic) tables"), "{msg}");
    Ok(())
}

#[test]
fn history_candidate_and_slate_sizes_of_the_world_are_bounded() -> anyhow::Result<()> {
    let mut cfg = WorldConfig::default();
    cfg.log.history_len = usize::MAX;
    assert_eq!(invalid(cfg.validate())?.0, "log.history_len");
    let mut cfg = WorldConfig::default();
    cfg.log.candidates = 501;
    let (k, msg) = invalid(cfg.validate())?;
    assert_eq!(k, "log.candidates");
    assert!(msg.contains("[5, 500], got 501") && msg.contains("n_items"), "{msg}");
    let mut cfg = WorldConfig::default();
    cfg.log.slate_size = 101;
    cfg.log.candidates = 200;
    assert_eq!(invalid(cfg.validate())?.0, "log.slate_size");
    Ok(())
}

#[test]
fn invalid_utf8_in_a_config_names_the_file_line_and_column() -> anyhow::Result<()> {
    let dir = common::temp_dir("utf8")?;
    let mut bytes = CONFIG.as_bytes().to_vec();
    // `name = "ranges"` is line 2; put a lone continuation byte after `na`.
    let at = CONFIG.find("name").expect("a name key") + 2;
    bytes.insert(at, 0x80);
    let path = dir.join("bad.toml");
    std::fs::write(&path, &bytes)?;
    let err = DatasetConfig::from_file(&path).expect_err("not UTF-8");
    assert!(matches!(err, Error::NotUtf8 { line: 2, column: 3, .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("bad.toml: line 2, column 3: not valid UTF-8"), "{msg}");
    let world = dir.join("world.toml");
    std::fs::write(&world, b"n_users = 10\n# caf\xe9\n")?;
    let err = WorldConfig::from_file(&world).expect_err("not UTF-8");
    assert!(err.to_string().contains("world.toml: line 2, column 6"), "{err}");
    Ok(())
}
