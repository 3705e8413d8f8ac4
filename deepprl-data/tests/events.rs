//! Event logs (`[events]`): rows of one (user, item) within the window of an impression-starting
//! row become one impression; objectives combine over its rows; the rest is counted.
//! Fixtures are tiny files written into a temporary folder, with outcomes counted by hand.

mod common;

use deepprl_data::{Dataset, DatasetConfig, Error, Slice, load};
use std::path::{Path, PathBuf};

/// An e-commerce event log: user, item, category, behaviour, timestamp; no header.
fn config(order: &str) -> String {
    format!(
        r#"
[source]
file = "events.csv"
header = false
columns = ["user", "item", "category", "behavior", "ts"]
[ids]
user = "user"
item = "item"
[time]
column = "ts"
[features]
categorical = ["category"]
[events]
start = 'behavior == "pv"'
window_secs = 3600
order = "{order}"
[[objectives]]
name = "cart"
expr = 'behavior == "cart"'
kind = "binary"
[[objectives]]
name = "fav"
expr = 'behavior == "fav"'
kind = "binary"
[[objectives]]
name = "buy"
expr = 'behavior == "buy"'
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

/// Rows by user, in time order within each user (line numbers are 1-based).
const BY_USER: &str = "\
u1,i1,c1,pv,1000
u1,i2,c1,pv,1100
u1,i1,c1,cart,1200
u1,i1,c1,buy,1500
u1,i3,c2,buy,1600
u1,i2,c1,pv,5000
u1,i1,c1,fav,5000
u2,i1,c1,pv,2000
u2,i1,c1,pv,2500
u2,i4,c3,fav,2600
u2,i1,c1,fav,5600
u3,i5,c3,pv,100
";

/// Writes the config and log into a fresh folder, loads them, and checks that loading wrote
/// nothing (the folder holds the two files only).
fn load_in(
    name: &str,
    config: &str,
    log: &str,
) -> anyhow::Result<(deepprl_data::Result<Dataset>, PathBuf)> {
    let dir = common::temp_dir(name)?;
    let path = common::write(&dir, "events.toml", config)?;
    common::write(&dir, "events.csv", log)?;
    let result = DatasetConfig::from_file(&path).and_then(|cfg| load(&cfg));
    let mut files: Vec<_> =
        std::fs::read_dir(&dir)?.map(|e| Ok(e?.file_name())).collect::<anyhow::Result<_>>()?;
    files.sort();
    assert_eq!(files, ["events.csv", "events.toml"], "loading wrote nothing");
    Ok((result, dir.join("events.csv")))
}

/// (user, item, time, [cart, fav, buy, rows]) of every impression, in the dataset's order.
fn impressions(ds: &Dataset) -> Vec<(String, String, i64, Vec<f32>)> {
    (0..ds.len())
        .map(|r| {
            let user = ds.vocabs.users.name(ds.user[r]).to_string();
            let item = ds.vocabs.items.name(ds.item[r]).to_string();
            (user, item, ds.time[r], ds.outcome(r).to_vec())
        })
        .collect()
}

/// Counted by hand from `BY_USER` (window 3600 s):
/// u1/i1 opens at 1000 and takes the cart (1200) and buy (1500); its fav at 5000 is 4000 s
/// later, after the window, and starts nothing. u1/i2 opens at 1100, and again at 5000 (3900 s
/// later). u1's buy of i3 has no view. u2/i1 opens at 2000 and takes the second view (2500)
/// and the fav at 5600 (exactly 3600 s later); u2's fav of i4 has no view. u3/i5 is a view
/// with nothing after it.
fn expected() -> Vec<(String, String, i64, Vec<f32>)> {
    let row = |u: &str, i: &str, t, o: [f32; 4]| (u.to_string(), i.to_string(), t, o.to_vec());
    vec![
        row("u3", "i5", 100, [0.0, 0.0, 0.0, 1.0]),
        row("u1", "i1", 1000, [1.0, 0.0, 1.0, 3.0]),
        row("u1", "i2", 1100, [0.0, 0.0, 0.0, 1.0]),
        row("u2", "i1", 2000, [0.0, 1.0, 0.0, 3.0]),
        row("u1", "i2", 5000, [0.0, 0.0, 0.0, 1.0]),
    ]
}

#[test]
fn an_event_log_groups_rows_into_impressions_counted_by_hand() -> anyhow::Result<()> {
    let (ds, _) = load_in("by-user", &config("user"), BY_USER)?;
    let ds = ds?;
    assert_eq!(impressions(&ds), expected());
    let counts = ds.meta.events.expect("an event log has counts");
    assert_eq!((counts.rows, counts.impressions, counts.grouped, counts.unmatched), (12, 5, 4, 3));
    assert_eq!(ds.meta.counts.rows, 5);
    // The impression's category is its first row's.
    let cat = &ds.vocabs.categorical[0];
    let cats: Vec<&str> = (0..ds.len()).map(|r| cat.name(ds.categorical[[r, 0]])).collect();
    assert_eq!(cats, ["c3", "c1", "c1", "c1", "c1"]);
    assert_eq!(ds.rows(Slice::Train), 0..5);
    let text = deepprl_data::Summary::of(&ds).to_string();
    assert!(
        text.contains("events    12 rows: 5 impressions, 4 rows grouped into them, 3 unmatched"),
        "{text}"
    );
    Ok(())
}

#[test]
fn a_log_in_time_order_gives_the_same_impressions() -> anyhow::Result<()> {
    let mut lines: Vec<&str> = BY_USER.lines().collect();
    lines.sort_by_key(|l| l.rsplit(',').next().and_then(|t| t.parse::<i64>().ok()));
    let log = lines.join("\n") + "\n";
    let (ds, _) = load_in("by-time", &config("time"), &log)?;
    let ds = ds?;
    assert_eq!(impressions(&ds), expected());
    let counts = ds.meta.events.expect("an event log has counts");
    assert_eq!((counts.rows, counts.impressions, counts.grouped, counts.unmatched), (12, 5, 4, 3));
    Ok(())
}

#[test]
fn many_impressions_in_time_order_close_and_still_count() -> anyhow::Result<()> {
    // 3000 users view one item each at second u, and buy it 10 s later: the sweep of expired
    // impressions runs (over 1024 open) without losing any.
    let mut log = String::new();
    for u in 0..3000 {
        log += &format!("u{u},i{u},c,pv,{}\n", 10 * u);
        log += &format!("u{u},i{u},c,buy,{}\n", 10 * u + 5);
    }
    let mut lines: Vec<String> = log.lines().map(String::from).collect();
    lines.sort_by_key(|l| l.rsplit(',').next().and_then(|t| t.parse::<i64>().ok()));
    let (ds, _) =
        load_in("sweep", &config("time").replace("3600", "4"), &(lines.join("\n") + "\n"))?;
    let ds = ds?;
    // A window of 4 s: every buy, 5 s after its view, is unmatched.
    assert_eq!(ds.len(), 3000);
    assert_eq!(common::outcome_sum(&ds, 2, 0..ds.len()), 0.0);
    assert_eq!(ds.meta.events.map(|c| c.unmatched), Some(3000));
    let (ds, _) = load_in("sweep-wide", &config("time"), &(lines.join("\n") + "\n"))?;
    assert_eq!(common::outcome_sum(&ds?, 2, 0..3000), 3000.0);
    Ok(())
}

fn contains_all(text: &str, parts: &[&str]) {
    for p in parts {
        assert!(text.contains(p), "{text:?} lacks {p:?}");
    }
}

#[test]
fn an_event_log_without_a_starting_row_names_the_file_and_key() -> anyhow::Result<()> {
    let (result, _) = load_in("no-start", &config("user"), "u1,i1,c1,buy,10\nu1,i2,c1,cart,20\n")?;
    let err = result.expect_err("no impression");
    assert!(matches!(err, Error::NoImpressions { rows: 2, line: 3, .. }), "{err}");
    contains_all(&err.to_string(), &["events.csv: line 3", "events.start", "2 rows"]);
    Ok(())
}

#[test]
fn a_user_whose_rows_are_not_consecutive_names_the_line() -> anyhow::Result<()> {
    let log = "u1,i1,c1,pv,10\nu2,i1,c1,pv,20\nu1,i2,c1,pv,30\n";
    let (result, _) = load_in("interleaved", &config("user"), log)?;
    let err = result.expect_err("out of order");
    assert!(matches!(err, Error::EventOrder { line: 3, order: "user", .. }), "{err}");
    contains_all(&err.to_string(), &["events.csv: line 3", "events.order"]);
    Ok(())
}

#[test]
fn time_going_back_names_the_line_in_either_order() -> anyhow::Result<()> {
    for order in ["user", "time"] {
        let log = "u1,i1,c1,pv,10\nu1,i2,c1,pv,30\nu1,i1,c1,buy,20\n";
        let (result, _) = load_in("backwards", &config(order), log)?;
        let err = result.expect_err("out of order");
        assert!(matches!(err, Error::EventOrder { line: 3, .. }), "{err}");
        contains_all(&err.to_string(), &["events.csv: line 3", "time 20", "30"]);
    }
    Ok(())
}

#[test]
fn a_start_comparing_a_number_column_with_a_string_names_the_key() -> anyhow::Result<()> {
    let cfg = config("user").replace(r#"start = 'behavior == "pv"'"#, r#"start = 'ts == "pv"'"#);
    let err = DatasetConfig::from_toml_str(&cfg, Path::new("ev.toml"), None).expect_err("bad");
    contains_all(&err.to_string(), &["ev.toml", "events.start", "`ts`", "time.column"]);
    Ok(())
}

#[test]
fn events_keys_out_of_place_name_the_key() {
    let bad = |text: String, key: &str| {
        let err = DatasetConfig::from_toml_str(&text, Path::new("ev.toml"), None).err();
        let err = err.unwrap_or_else(|| panic!("{key}: accepted")).to_string();
        assert!(err.contains(key), "{err} lacks {key}");
    };
    let without_events = config("user").replace(
        "[events]\nstart = 'behavior == \"pv\"'\nwindow_secs = 3600\norder = \"user\"\n",
        "",
    );
    bad(
        without_events.replace("kind = \"continuous\"", "kind = \"continuous\"\ngroup = \"max\""),
        "objectives[3].group",
    );
    bad(
        config("user").replace("kind = \"continuous\"", "kind = \"continuous\"\ngroup = \"any\""),
        "objectives[3].group",
    );
    bad(config("user").replace("window_secs = 3600", "window_secs = 0"), "events.window_secs");
    bad(config("user").replace(r#"start = 'behavior == "pv"'"#, "start = \"1\""), "events.start");
    bad(config("user").replace("order = \"user\"", "order = \"file\""), "order");
}

#[test]
fn group_first_and_max_combine_as_documented() -> anyhow::Result<()> {
    // `first` keeps the view's 0; `max` of the rows' `ts` is the last row's time.
    let cfg = config("user")
        .replace(
            "name = \"buy\"\nexpr = 'behavior == \"buy\"'\nkind = \"binary\"",
            "name = \"buy\"\nexpr = 'behavior == \"buy\"'\nkind = \"binary\"\ngroup = \"first\"",
        )
        .replace(
            "expr = \"1\"\nkind = \"continuous\"",
            "expr = \"ts\"\nkind = \"continuous\"\ngroup = \"max\"",
        );
    let (ds, _) = load_in("first-max", &cfg, BY_USER)?;
    let ds = ds?;
    let got: Vec<(f32, f32)> =
        (0..ds.len()).map(|r| (ds.outcomes[[r, 2]], ds.outcomes[[r, 3]])).collect();
    assert_eq!(got, [(0.0, 100.0), (0.0, 1500.0), (0.0, 1100.0), (0.0, 5600.0), (0.0, 5000.0)]);
    Ok(())
}
