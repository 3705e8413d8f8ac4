//! Bad input: each case has its own test, and every message names the file and the line and
//! column (data) or the key (config). Fixtures are tiny files written into a temporary folder.

mod common;

use deepprl_data::{Dataset, DatasetConfig, Error, load};
use std::path::PathBuf;

const CONFIG: &str = r#"
name = "fixture"
[source]
file = "log.tsv"
delimiter = "\t"
[ids]
user = "user_id"
item = "video_id"
[time]
column = "time_ms"
unit = "ms"
[[objectives]]
name = "click"
column = "is_click"
kind = "binary"
[[objectives]]
name = "long_view"
expr = "play_time_ms >= duration_ms"
kind = "binary"
[[objectives]]
name = "watch_time"
column = "play_time_ms"
kind = "continuous"
divide_by = 1000
transform = "log1p"
[split]
valid = 0.25
test = 0.25
"#;

const HEADER: &str = "user_id\tvideo_id\ttime_ms\tis_click\tplay_time_ms\tduration_ms\n";
const ROWS: &str = "u1\tv1\t1000\t1\t5000\t4000\n\
                    u2\tv2\t2000\t0\t1000\t9000\n\
                    u1\tv2\t3000\t1\t9500\t9000\n\
                    u2\tv1\t4000\t0\t0\t4000\n";

/// Writes `config` and `log.tsv` into a fresh folder and loads them.
fn load_fixture(
    name: &str,
    config: &str,
    log: &str,
) -> anyhow::Result<(deepprl_data::Result<Dataset>, PathBuf)> {
    let dir = common::temp_dir(name)?;
    let cfg_path = common::write(&dir, "fixture.toml", config)?;
    common::write(&dir, "log.tsv", log)?;
    let result = DatasetConfig::from_toml_str(config, &cfg_path, None).and_then(|c| load(&c));
    Ok((result, dir))
}

fn expect_err(result: deepprl_data::Result<Dataset>) -> anyhow::Result<(Error, String)> {
    match result {
        Ok(ds) => anyhow::bail!("expected an error, loaded {} rows", ds.len()),
        Err(e) => {
            let msg = e.to_string();
            Ok((e, msg))
        }
    }
}

#[test]
fn the_fixture_itself_loads() -> anyhow::Result<()> {
    let (ds, _) = load_fixture("ok", CONFIG, &format!("{HEADER}{ROWS}"))?;
    let ds = ds?;
    assert_eq!(ds.len(), 4);
    assert_eq!(ds.outcomes.column(1).to_vec(), [1.0, 0.0, 1.0, 0.0]);
    assert_eq!(
        (ds.split.train.clone(), ds.split.valid.clone(), ds.split.test.clone()),
        (0..2, 2..3, 3..4)
    );
    Ok(())
}

#[test]
fn missing_file_names_the_file() -> anyhow::Result<()> {
    let config = CONFIG.replace("file = \"log.tsv\"", "file = \"absent.tsv\"");
    let (result, _) = load_fixture("missing", &config, "")?;
    let (err, msg) = expect_err(result)?;
    assert!(matches!(err, Error::Io { .. }), "{err:?}");
    assert!(msg.contains("absent.tsv"), "{msg}");
    // A missing config file is named too.
    let err = DatasetConfig::from_file("no/such/config.toml".as_ref()).err().map(|e| e.to_string());
    assert!(err.is_some_and(|m| m.contains("no/such/config.toml")));
    Ok(())
}

#[test]
fn empty_file_names_the_file_and_line() -> anyhow::Result<()> {
    let (result, _) = load_fixture("empty", CONFIG, "")?;
    let (err, msg) = expect_err(result)?;
    assert!(matches!(err, Error::EmptyFile { header_only: false, .. }), "{err:?}");
    assert!(msg.contains("log.tsv: line 1: file is empty"), "{msg}");
    let (result, _) = load_fixture("header-only", CONFIG, HEADER)?;
    let (err, msg) = expect_err(result)?;
    assert!(matches!(err, Error::EmptyFile { header_only: true, .. }), "{err:?}");
    assert!(msg.contains("log.tsv: line 2: no data rows"), "{msg}");
    Ok(())
}

#[test]
fn wrong_delimiter_names_the_file_line_and_key() -> anyhow::Result<()> {
    let config = CONFIG.replace("delimiter = \"\\t\"", "delimiter = \",\"");
    let (result, _) = load_fixture("delimiter", &config, &format!("{HEADER}{ROWS}"))?;
    let (err, msg) = expect_err(result)?;
    assert!(matches!(err, Error::WrongDelimiter { expected: ',', found: '\t', .. }), "{err:?}");
    assert!(msg.contains("log.tsv: line 1") && msg.contains("source.delimiter"), "{msg}");
    Ok(())
}

#[test]
fn missing_column_names_the_column_and_key() -> anyhow::Result<()> {
    let config = CONFIG.replace("column = \"is_click\"", "column = \"is_clicked\"");
    let (result, _) = load_fixture("column", &config, &format!("{HEADER}{ROWS}"))?;
    let (err, msg) = expect_err(result)?;
    assert!(
        matches!(&err, Error::MissingColumn { key, .. } if key == "objectives[0].column"),
        "{err:?}"
    );
    assert!(msg.contains("log.tsv: line 1: no column `is_clicked`"), "{msg}");
    Ok(())
}

#[test]
fn unparsable_number_names_the_line_and_column() -> anyhow::Result<()> {
    let rows = ROWS.replace("\t1000\t9000", "\t1x00\t9000");
    let (result, _) = load_fixture("number", CONFIG, &format!("{HEADER}{rows}"))?;
    let (err, msg) = expect_err(result)?;
    assert!(matches!(err, Error::Parse { line: 3, .. }), "{err:?}");
    assert!(msg.contains("log.tsv: line 3, column `play_time_ms`: cannot parse \"1x00\""), "{msg}");
    Ok(())
}

#[test]
fn nan_or_infinite_values_name_the_line_and_column() -> anyhow::Result<()> {
    for (bad, line) in [("NaN", 2), ("inf", 2), ("-infinity", 2)] {
        let rows = ROWS.replacen("\t5000\t", &format!("\t{bad}\t"), 1);
        let (result, _) = load_fixture("nan", CONFIG, &format!("{HEADER}{rows}"))?;
        let (err, msg) = expect_err(result)?;
        assert!(matches!(err, Error::NonFinite { line: l, .. } if l == line), "{err:?}");
        assert!(
            msg.contains(&format!("line {line}, column `play_time_ms`"))
                && msg.contains("not finite"),
            "{msg}"
        );
    }
    Ok(())
}

#[test]
fn unknown_config_key_is_named_with_its_line() -> anyhow::Result<()> {
    let config = format!("{CONFIG}[sequence]\nhistroy_len = 5\n");
    let dir = common::temp_dir("unknown-key")?;
    let path = common::write(&dir, "fixture.toml", &config)?;
    let err = DatasetConfig::from_file(&path).err().ok_or_else(|| anyhow::anyhow!("accepted"))?;
    let msg = err.to_string();
    assert!(matches!(err, Error::ConfigSyntax { .. }), "{err:?}");
    assert!(
        msg.contains("fixture.toml") && msg.contains("histroy_len") && msg.contains("line"),
        "{msg}"
    );
    Ok(())
}

#[test]
fn timestamp_out_of_order_is_an_error_when_order_is_required() -> anyhow::Result<()> {
    let rows = ROWS.replace("\t3000\t", "\t500\t");
    let config = CONFIG.replace("unit = \"ms\"", "unit = \"ms\"\norder = \"sorted\"");
    let (result, _) = load_fixture("order", &config, &format!("{HEADER}{rows}"))?;
    let (err, msg) = expect_err(result)?;
    assert!(
        matches!(err, Error::OutOfOrder { line: 4, previous: 2000, value: 500, .. }),
        "{err:?}"
    );
    assert!(
        msg.contains("log.tsv: line 4, column `time_ms`") && msg.contains("time.order"),
        "{msg}"
    );
    // Without the requirement the loader sorts the rows.
    let (ds, _) = load_fixture("order-any", CONFIG, &format!("{HEADER}{rows}"))?;
    assert_eq!(ds?.time, [0, 1, 2, 4]);
    Ok(())
}

#[test]
fn objective_expression_naming_a_missing_column_names_the_key() -> anyhow::Result<()> {
    let config = CONFIG.replace("play_time_ms >= duration_ms", "play_time_ms >= video_duration");
    let (result, _) = load_fixture("expr", &config, &format!("{HEADER}{ROWS}"))?;
    let (err, msg) = expect_err(result)?;
    assert!(
        matches!(&err, Error::MissingColumn { key, column, .. } if key == "objectives[1].expr" && column == "video_duration"),
        "{err:?}"
    );
    assert!(
        msg.contains("log.tsv: line 1: no column `video_duration`")
            && msg.contains("objectives[1].expr"),
        "{msg}"
    );
    Ok(())
}

#[test]
fn other_bad_rows_and_values_are_named_too() -> anyhow::Result<()> {
    // A row with a missing field.
    let rows = ROWS.replace("u2\tv1\t4000\t0\t0\t4000", "u2\tv1\t4000\t0\t0");
    let (err, msg) = expect_err(load_fixture("ragged", CONFIG, &format!("{HEADER}{rows}"))?.0)?;
    assert!(matches!(err, Error::RaggedRow { line: 5, got: 5, expected: 6, .. }), "{msg}");
    // A binary objective that is neither 0 nor 1.
    let rows = ROWS.replacen("\t1\t5000", "\t2\t5000", 1);
    let (_, msg) = expect_err(load_fixture("binary", CONFIG, &format!("{HEADER}{rows}"))?.0)?;
    assert!(msg.contains("line 2, column `is_click`") && msg.contains("0 or 1"), "{msg}");
    // Out-of-range and malformed config values name their key.
    for (from, to, key) in [
        ("valid = 0.25", "valid = 1.5", "split.valid"),
        (">= duration_ms", ">= (duration_ms", "objectives[1].expr"),
        ("unit = \"ms\"", "unit = \"ms\"\nutc_offset_hours = 20", "time.utc_offset_hours"),
    ] {
        let (err, msg) = expect_err(load_fixture("value", &CONFIG.replace(from, to), ROWS)?.0)?;
        assert!(matches!(&err, Error::InvalidConfig { key: k, .. } if k == key), "{msg}");
        assert!(msg.contains(&format!("key `{key}`")), "{msg}");
    }
    Ok(())
}

#[test]
fn duplicate_header_names_name_the_file_and_both_positions() -> anyhow::Result<()> {
    let header = HEADER.replace('\n', "\tis_click\n");
    let rows = ROWS.replace('\n', "\t0\n");
    let (result, _) = load_fixture("duplicate", CONFIG, &format!("{header}{rows}"))?;
    let (err, msg) = expect_err(result)?;
    assert!(
        matches!(&err, Error::DuplicateColumn { line: 1, column, first: 4, second: 7, .. }
            if column == "is_click"),
        "{err:?}"
    );
    assert!(
        msg.contains("log.tsv: line 1: column `is_click` appears twice")
            && msg.contains("columns 4 and 7"),
        "{msg}"
    );
    // Names given by the config cannot repeat either.
    let config = CONFIG.replace("[ids]", "header = false\ncolumns = [\"a\", \"b\", \"a\"]\n[ids]");
    let (err, msg) = expect_err(load_fixture("duplicate-config", &config, ROWS)?.0)?;
    assert!(
        matches!(&err, Error::InvalidConfig { key, .. } if key == "source.columns[2]"),
        "{msg}"
    );
    Ok(())
}

#[test]
fn crlf_files_report_the_right_lines() -> anyhow::Result<()> {
    let crlf = |text: &str| text.replace('\n', "\r\n");
    // The same rows load to the same dataset.
    let (ds, _) = load_fixture("crlf", CONFIG, &crlf(&format!("{HEADER}{ROWS}")))?;
    let ds = ds?;
    assert_eq!((ds.len(), ds.outcomes.column(1).to_vec()), (4, vec![1.0, 0.0, 1.0, 0.0]));
    // A bad number on line 3, and a short row on line 5.
    let rows = crlf(&ROWS.replace("\t1000\t9000", "\t1x00\t9000"));
    let (err, msg) = expect_err(load_fixture("crlf-number", CONFIG, &(crlf(HEADER) + &rows))?.0)?;
    assert!(matches!(err, Error::Parse { line: 3, .. }), "{err:?}");
    assert!(msg.contains("log.tsv: line 3, column `play_time_ms`"), "{msg}");
    let rows = crlf(&ROWS.replace("u2\tv1\t4000\t0\t0\t4000", "u2\tv1\t4000\t0\t0"));
    let (err, msg) = expect_err(load_fixture("crlf-ragged", CONFIG, &(crlf(HEADER) + &rows))?.0)?;
    assert!(matches!(err, Error::RaggedRow { line: 5, .. }), "{msg}");
    Ok(())
}

#[test]
fn files_with_lone_cr_line_endings_report_the_right_lines() -> anyhow::Result<()> {
    // Old Mac line endings: every error named line 1 before (found by tests/properties.rs).
    let cr = |text: &str| text.replace('\n', "\r");
    let (ds, _) = load_fixture("cr", CONFIG, &cr(&format!("{HEADER}{ROWS}")))?;
    assert_eq!(ds?.len(), 4);
    let rows = cr(&ROWS.replace("\t1000\t9000", "\t1x00\t9000"));
    let (err, msg) = expect_err(load_fixture("cr-number", CONFIG, &(cr(HEADER) + &rows))?.0)?;
    assert!(matches!(err, Error::Parse { line: 3, .. }), "{err:?}");
    assert!(msg.contains("log.tsv: line 3, column `play_time_ms`"), "{msg}");
    Ok(())
}
