//! A property of event logs (`[events]`): generated logs load into the impressions that the
//! rule of `CONFIG.md`, applied naively row by row, gives; 2,500 cases with the fixed seed of
//! `tests/properties.rs` (`PROPTEST_CASES` and `PROPTEST_RNG_SEED` override).

mod common;

use deepprl_data::{DatasetConfig, Error, load};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// 2,500 cases, or `$PROPTEST_CASES`; a fixed seed unless `$PROPTEST_RNG_SEED` is set.
fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(2_500);
    let mut c = Config { cases, failure_persistence: None, ..Config::default() };
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        c.rng_seed = RngSeed::Fixed(18);
    }
    c
}

/// The folder of this test binary's generated files.
fn scratch() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| common::temp_dir("event-properties").expect("a temporary folder"))
}

/// An event log config over `file`: views start impressions within 60 s; `buy` is any buy,
/// `rows` counts an impression's rows.
fn events_config(file: &str, order: &str) -> String {
    format!(
        r#"
[source]
file = "{file}"
header = false
columns = ["u", "i", "b", "t"]
[ids]
user = "u"
item = "i"
[time]
column = "t"
[events]
start = 'b == "pv"'
window_secs = 60
order = "{order}"
[[objectives]]
name = "buy"
expr = 'b == "buy"'
kind = "binary"
[[objectives]]
name = "rows"
expr = "1"
kind = "continuous"
[split]
valid = 0
test = 0
"#
    )
}

/// Per user, rows (item, behaviour, seconds after the previous row), written by user.
fn event_log() -> impl Strategy<Value = Vec<Vec<(u8, u8, i64)>>> {
    prop::collection::vec(prop::collection::vec((0..3u8, 0..3u8, 0..50i64), 1..10), 1..5)
}

/// (user, item, time, buy, rows) of each impression, by the rule of `CONFIG.md` applied
/// naively, sorted.
fn reference_impressions(
    rows: &[(String, String, &str, i64)],
) -> (Vec<(String, String, i64, f32, f32)>, u64) {
    let mut open: std::collections::HashMap<(String, String), usize> = Default::default();
    let (mut out, mut unmatched) = (Vec::<(String, String, i64, f32, f32)>::new(), 0);
    for (u, i, b, t) in rows {
        let key = (u.clone(), i.clone());
        match open.get(&key) {
            Some(&k) if t - out[k].2 <= 60 => {
                let imp = &mut out[k];
                imp.3 = imp.3.max(f32::from(u8::from(*b == "buy")));
                imp.4 += 1.0;
            }
            _ if *b == "pv" => {
                open.insert(key, out.len());
                out.push((u.clone(), i.clone(), *t, 0.0, 1.0));
            }
            _ => unmatched += 1,
        }
    }
    out.sort_by(|a, b| a.partial_cmp(b).expect("finite"));
    (out, unmatched)
}

fn loaded_impressions(ds: &deepprl_data::Dataset) -> Vec<(String, String, i64, f32, f32)> {
    let mut out: Vec<_> = (0..ds.len())
        .map(|r| {
            let (u, i) = (ds.vocabs.users.name(ds.user[r]), ds.vocabs.items.name(ds.item[r]));
            (u.to_string(), i.to_string(), ds.time[r], ds.outcomes[[r, 0]], ds.outcomes[[r, 1]])
        })
        .collect();
    out.sort_by(|a, b| a.partial_cmp(b).expect("finite"));
    out
}

proptest! {
    #![proptest_config(config())]

    /// An event log loads into the impressions the documented rule gives, read by user or (its
    /// rows sorted by time) by time, and every row is an impression, grouped or unmatched.
    #[test]
    fn event_logs_group_as_documented_in_either_order(users in event_log()) {
        let names = ["pv", "cart", "buy"];
        let mut rows = Vec::new();
        for (u, user) in users.iter().enumerate() {
            let mut t = 1000;
            for &(item, b, dt) in user {
                t += dt;
                rows.push((format!("u{u}"), format!("i{item}"), names[usize::from(b)], t));
            }
        }
        let text = |rows: &[(String, String, &str, i64)]| -> String {
            rows.iter().map(|(u, i, b, t)| format!("{u},{i},{b},{t}\n")).collect()
        };
        let (expected, unmatched) = reference_impressions(&rows);
        let mut by_time = rows.clone();
        by_time.sort_by_key(|r| r.3);
        for (file, order, rows) in [("ev-user.csv", "user", &rows), ("ev-time.csv", "time", &by_time)] {
            let dir = scratch();
            std::fs::write(dir.join(file), text(rows)).expect("write the generated file");
            let cfg = DatasetConfig::from_toml_str(&events_config(file, order), &dir.join("ev.toml"), None)
                .expect("a valid config");
            match load(&cfg) {
                Ok(ds) => {
                    let c = ds.meta.events.expect("event counts");
                    prop_assert_eq!(c.impressions + c.grouped + c.unmatched, rows.len() as u64);
                    prop_assert_eq!(c.unmatched, unmatched);
                    prop_assert_eq!(loaded_impressions(&ds), expected.clone());
                }
                Err(e) => {
                    prop_assert!(expected.is_empty(), "{}", e);
                    prop_assert!(matches!(e, Error::NoImpressions { .. }), "{}", e);
                }
            }
        }
    }
}
