//! Objective expressions over text and number columns, on tiny event logs the tests write.
//!
//! Every bad expression is an error naming the config key (and the column), reported when the
//! config is read whenever the data is not needed to see it.

mod common;

use deepprl_data::{Dataset, DatasetConfig, Error, load};
use std::path::Path;

/// An e-commerce event log: one row per behaviour, objectives derived from its text column.
const CONFIG: &str = r#"
name = "events"
[source]
file = "events.csv"
[ids]
user = "user"
item = "item"
[time]
column = "time"
[[objectives]]
name = "buy"
expr = 'behavior == "buy"'
kind = "binary"
[[objectives]]
name = "engaged"
expr = 'behavior != "pv"'
kind = "binary"
[[objectives]]
name = "saved"
expr = 'behavior in ("cart", "fav")'
kind = "binary"
[[objectives]]
name = "spend"
expr = '(behavior == "buy") * price'
kind = "continuous"
[[objectives]]
name = "acted"
expr = 'behavior not in ("pv", "share")'
kind = "binary"
[split]
valid = 0.2
test = 0.2
"#;

const LOG: &str = "user,item,time,behavior,price\n\
                   u1,i1,1,pv,10\n\
                   u1,i1,2,cart,10\n\
                   u1,i1,3,buy,10\n\
                   u2,i2,4,pv,25\n\
                   u2,i3,5,fav,4\n\
                   u2,i2,6,buy,25\n\
                   u3,i1,7,pv,10\n\
                   u3,i4,8,share,7\n\
                   u3,i4,9,fav,7\n\
                   u1,i2,10,cart,25\n";

fn read_config(config: &str) -> deepprl_data::Result<DatasetConfig> {
    // No data file exists: these errors come before any file is opened.
    DatasetConfig::from_toml_str(config, Path::new("no-data/events.toml"), None)
}

fn load_events(name: &str, config: &str) -> anyhow::Result<deepprl_data::Result<Dataset>> {
    let dir = common::temp_dir(name)?;
    let path = common::write(&dir, "events.toml", config)?;
    common::write(&dir, "events.csv", LOG)?;
    Ok(DatasetConfig::from_toml_str(config, &path, None).and_then(|c| load(&c)))
}

fn invalid_key(result: deepprl_data::Result<DatasetConfig>) -> anyhow::Result<(String, String)> {
    match result {
        Ok(_) => anyhow::bail!("the config was accepted"),
        Err(Error::InvalidConfig { key, reason, .. }) => Ok((key, reason)),
        Err(e) => anyhow::bail!("expected an invalid config, got {e:?}"),
    }
}

#[test]
fn text_comparisons_count_as_by_hand() -> anyhow::Result<()> {
    let ds = load_events("text", CONFIG)??;
    let all = 0..ds.len();
    assert_eq!(ds.len(), 10);
    // buy: rows 3 and 6.
    assert_eq!(common::outcome_sum(&ds, 0, all.clone()), 2.0);
    // Not pv: every row but 1, 4 and 7 (the unknown `share` included).
    assert_eq!(common::outcome_sum(&ds, 1, all.clone()), 7.0);
    // cart or fav: rows 2, 5, 9 and 10.
    assert_eq!(common::outcome_sum(&ds, 2, all.clone()), 4.0);
    // Spend on purchases: 10 + 25.
    assert_eq!(common::outcome_sum(&ds, 3, all.clone()), 35.0);
    // Neither pv nor share: every row but 1, 4, 7 and 8.
    assert_eq!(common::outcome_sum(&ds, 4, all.clone()), 6.0);
    assert_eq!(ds.outcomes.column(4).to_vec(), [0., 1., 1., 0., 1., 1., 0., 0., 1., 1.]);
    // Row by row, in time order (the file is sorted).
    assert_eq!(ds.outcomes.column(2).to_vec(), [0., 1., 0., 0., 1., 0., 0., 0., 1., 1.]);
    Ok(())
}

#[test]
fn a_string_compared_with_a_number_column_names_the_key_and_column() -> anyhow::Result<()> {
    let config = format!("{CONFIG}[features]\nnumeric = [\"price\"]\n")
        .replace("behavior in (\"cart\", \"fav\")", "price == \"high\"");
    let (key, reason) = invalid_key(read_config(&config))?;
    assert_eq!(key, "objectives[2].expr");
    assert!(
        reason.contains("column `price`") && reason.contains("features.numeric[0]"),
        "{reason}"
    );
    // The label column of another objective is a number column too.
    let config = CONFIG
        .replace("expr = 'behavior == \"buy\"'", "column = \"price\"")
        .replace("behavior in (\"cart\", \"fav\")", "price in (\"high\", \"low\")");
    let (key, reason) = invalid_key(read_config(&config))?;
    assert_eq!(key, "objectives[2].expr");
    assert!(
        reason.contains("column `price`") && reason.contains("objectives[0].column"),
        "{reason}"
    );
    Ok(())
}

#[test]
fn a_text_column_used_as_a_number_names_the_key_and_column() -> anyhow::Result<()> {
    // Across objectives: `behavior` is text in objectives[0], a number in objectives[1].
    let config = CONFIG.replace("behavior != \"pv\"", "behavior > 0");
    let (key, reason) = invalid_key(read_config(&config))?;
    assert_eq!(key, "objectives[1].expr");
    assert!(
        reason.contains("uses column `behavior` as a number")
            && reason.contains("objectives[0].expr"),
        "{reason}"
    );
    // Within one expression.
    let config = CONFIG.replace("'behavior == \"buy\"'", "'behavior == \"buy\" && behavior > 0'");
    let (key, reason) = invalid_key(read_config(&config))?;
    assert_eq!(key, "objectives[0].expr");
    assert!(reason.contains("column `behavior`"), "{reason}");
    // A string where a number is expected.
    let config = CONFIG.replace("'(behavior == \"buy\") * price'", "'\"buy\" * price'");
    let (key, reason) = invalid_key(read_config(&config))?;
    assert_eq!(key, "objectives[3].expr");
    assert!(reason.contains("\"buy\" is used as a number"), "{reason}");
    Ok(())
}

#[test]
fn an_unknown_column_in_a_text_comparison_names_the_key() -> anyhow::Result<()> {
    let config = CONFIG.replace("behavior in", "behaviour in");
    let err = match load_events("unknown", &config)? {
        Ok(_) => anyhow::bail!("loaded"),
        Err(e) => e,
    };
    assert!(
        matches!(&err, Error::MissingColumn { key, column, .. }
            if key == "objectives[2].expr" && column == "behaviour"),
        "{err:?}"
    );
    assert!(err.to_string().contains("events.csv: line 1: no column `behaviour`"), "{err}");
    Ok(())
}

#[test]
fn deeply_nested_expressions_name_the_key_and_the_limit() -> anyhow::Result<()> {
    let parens = format!("{}price{}", "(".repeat(5_000), ")".repeat(5_000));
    let minus = format!("{}price", "-".repeat(25_000));
    let not = format!("{}price", "!".repeat(25_000));
    for deep in [parens, minus, not] {
        let config = CONFIG.replace("'(behavior == \"buy\") * price'", &format!("'{deep}'"));
        let (key, reason) = invalid_key(read_config(&config))?;
        assert_eq!(key, "objectives[3].expr");
        assert!(reason.contains("limit of 256 levels"), "{reason}");
    }
    Ok(())
}

/// A log whose text fields hold a double quote (quoted as RFC 4180 writes it), a backslash and
/// a leading space.
const NOTES_CONFIG: &str = r#"
name = "notes"
[source]
file = "notes.csv"
[ids]
user = "user"
item = "item"
[time]
column = "time"
[[objectives]]
name = "quoted"
expr = 'note == "say \"hi\""'
kind = "binary"
[[objectives]]
name = "path"
expr = 'note == "C:\\temp"'
kind = "binary"
[[objectives]]
name = "plain"
expr = 'note == "say hi"'
kind = "binary"
[split]
valid = 0.25
test = 0.25
"#;

const NOTES: &str = concat!(
    "user,item,time,note\n",
    "u1,i1,1,\"say \"\"hi\"\"\"\n",
    "u1,i2,2,say hi\n",
    r"u2,i1,3,C:\temp",
    "\n",
    "u2,i2,4, say hi\n",
);

#[test]
fn escaped_strings_match_fields_byte_for_byte() -> anyhow::Result<()> {
    let dir = common::temp_dir("notes")?;
    let path = common::write(&dir, "notes.toml", NOTES_CONFIG)?;
    common::write(&dir, "notes.csv", NOTES)?;
    let ds = load(&DatasetConfig::from_toml_str(NOTES_CONFIG, &path, None)?)?;
    assert_eq!(ds.len(), 4);
    // `say "hi"` (row 1) and `C:\temp` (row 3) match their escaped literals.
    assert_eq!(ds.outcomes.column(0).to_vec(), [1., 0., 0., 0.]);
    assert_eq!(ds.outcomes.column(1).to_vec(), [0., 0., 1., 0.]);
    // Text fields are not trimmed: ` say hi` (row 4) is not `say hi`.
    assert_eq!(ds.outcomes.column(2).to_vec(), [0., 1., 0., 0.]);
    Ok(())
}

#[test]
fn bad_strings_and_string_orderings_name_the_key() -> anyhow::Result<()> {
    for (from, to, index, needle) in [
        (
            "'behavior == \"buy\"'",
            "'behavior == \"buy'",
            0,
            "at character 13: no closing double quote",
        ),
        (
            "'behavior != \"pv\"'",
            r#"'behavior != "p\v"'"#,
            1,
            "at character 15: unknown escape `\\v`",
        ),
        ("behavior != \"pv\"", "behavior < \"pv\"", 1, "the string \"pv\" is used as a number"),
        ("not in (\"pv\"", "not in (4, \"pv\"", 4, "compared with the number 4"),
    ] {
        assert!(CONFIG.contains(from), "{from}");
        let (key, reason) = invalid_key(read_config(&CONFIG.replace(from, to)))?;
        assert_eq!(key, format!("objectives[{index}].expr"), "{to}");
        assert!(reason.contains(needle), "{to}: {reason}");
    }
    // `not in` reads its column as text, so a number column there is an error too.
    let config = format!("{CONFIG}[features]\nnumeric = [\"price\"]\n")
        .replace("behavior not in", "price not in");
    let (key, reason) = invalid_key(read_config(&config))?;
    assert_eq!(key, "objectives[4].expr");
    assert!(
        reason.contains("column `price`") && reason.contains("features.numeric[0]"),
        "{reason}"
    );
    Ok(())
}

#[test]
fn the_depths_of_the_issue_name_the_key_and_the_limit() -> anyhow::Result<()> {
    // The depths that overflowed the stack before the limit (issue 18): 4,700 parentheses and
    // 22,750 unary operators, `-` and `!` mixed.
    let parens = format!("{}price{}", "(".repeat(4_700), ")".repeat(4_700));
    let unary = format!("{}price", "-!".repeat(22_750 / 2));
    for deep in [parens, unary] {
        let config = CONFIG.replace("'(behavior == \"buy\") * price'", &format!("'{deep}'"));
        let (key, reason) = invalid_key(read_config(&config))?;
        assert_eq!(key, "objectives[3].expr");
        assert!(reason.contains("limit of 256 levels"), "{reason}");
    }
    Ok(())
}

#[test]
fn a_constant_division_by_zero_names_the_division_not_a_column() -> anyhow::Result<()> {
    let config = CONFIG.replace("'(behavior == \"buy\") * price'", "'1/0'");
    let err = read_config(&config).expect_err("1/0 is never finite");
    let msg = err.to_string();
    assert!(
        matches!(&err, Error::InvalidConfig { key, .. } if key == "objectives[3].expr"),
        "{msg}"
    );
    assert!(
        msg.contains("reads no column and is always inf: division by zero at character 2"),
        "{msg}"
    );
    assert!(!msg.contains("behavior") && !msg.contains("price"), "{msg}");
    // A constant that a binary objective cannot take, and a number literal beyond f64.
    let config = CONFIG.replace("'behavior == \"buy\"'", "'2'");
    let (key, reason) = invalid_key(read_config(&config))?;
    assert_eq!(key, "objectives[0].expr");
    assert!(reason.contains("always 2, not 0 or 1"), "{reason}");
    let config = CONFIG.replace("'(behavior == \"buy\") * price'", "'price * 1e999'");
    let (_, reason) = invalid_key(read_config(&config))?;
    assert!(reason.contains("at character 9: the number `1e999` is too large"), "{reason}");
    Ok(())
}

#[test]
fn a_division_by_zero_in_a_row_names_the_line_key_division_and_values() -> anyhow::Result<()> {
    // The first row has price 10: `price / (price - 10)` divides by zero on line 2.
    let config = CONFIG.replace("'(behavior == \"buy\") * price'", "'price / (price - 10)'");
    let err = load_events("div-zero", &config)?.expect_err("a division by zero");
    let msg = err.to_string();
    assert!(
        matches!(&err, Error::ExprValue { line: 2, key, .. } if key == "objectives[3].expr"),
        "{err:?}"
    );
    assert!(msg.contains("events.csv: line 2: key `objectives[3].expr`"), "{msg}");
    assert!(
        msg.contains("gives inf: division by zero at character 7 (with `price` = 10)"),
        "{msg}"
    );
    // A binary objective's expression that gives another value names the line and the value.
    let config = CONFIG.replace("'behavior == \"buy\"'", "'(behavior == \"buy\") + price / 20'");
    let err = load_events("binary-half", &config)?.expect_err("0.5 is not binary");
    let msg = err.to_string();
    assert!(matches!(&err, Error::ExprValue { line: 2, .. }), "{err:?}");
    assert!(
        msg.contains("gives 0.5, not 0 or 1 (the objective is binary) (with `behavior` = \"pv\", `price` = 10)"),
        "{msg}"
    );
    Ok(())
}
