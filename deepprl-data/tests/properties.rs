//! Properties on generated hostile input (issue 18): the CSV loader, the dataset and world
//! config parsers and the expression parser never panic, and every error names where the
//! problem is: the file with a line (data files, TOML syntax), the key (config values), or the
//! character position, column or string (expressions).
//!
//! 2,500 cases per property (`PROPTEST_CASES` overrides, e.g. for a longer run; the seed is fixed
//! so CI is deterministic, `PROPTEST_RNG_SEED` overrides it). The `cargo fuzz` targets in
//! `fuzz/` run the same checks coverage-guided on nightly (`fuzz/README.md`).

mod common;

use deepprl_data::expr::{ColumnKind, Expr};
use deepprl_data::world::WorldConfig;
use deepprl_data::{DatasetConfig, Error, load};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestCaseError};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// 2,500 cases, or `$PROPTEST_CASES`; a fixed seed unless `$PROPTEST_RNG_SEED` is set.
fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(2_500);
    // No regression files: the seed is fixed, and a failure prints its minimal input.
    let mut c = Config { cases, failure_persistence: None, ..Config::default() };
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        c.rng_seed = RngSeed::Fixed(18);
    }
    c
}

/// The config the CSV property loads every generated file with: ids, time, a numeric and a
/// categorical feature, a binary column, and expressions of both kinds.
const CSV_CONFIG: &str = r#"
name = "prop"
[source]
file = "log.csv"
[ids]
user = "u"
item = "i"
[time]
column = "t"
[features]
numeric = ["x"]
categorical = ["c"]
[[objectives]]
name = "y"
column = "y"
kind = "binary"
[[objectives]]
name = "ratio"
expr = "x / w"
kind = "continuous"
[[objectives]]
name = "is_a"
expr = 'c == "a" || log1p(w) > 2'
kind = "binary"
[split]
valid = 0.2
test = 0.2
"#;

/// The folder of this test binary's generated files.
fn scratch() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| common::temp_dir("properties").expect("a temporary folder"))
}

/// A field: numbers of every kind, text, quotes, delimiters, line breaks and bytes that are
/// not UTF-8.
fn field() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => (-5i64..100).prop_map(|v| v.to_string().into_bytes()),
        2 => any::<f64>().prop_map(|v| v.to_string().into_bytes()),
        1 => Just(b"nan".to_vec()),
        1 => Just(b"-inf".to_vec()),
        1 => Just(b"1e400".to_vec()),
        1 => Just(b"".to_vec()),
        2 => Just(b"a".to_vec()),
        1 => Just(b"\"a,b\"".to_vec()),
        1 => Just(b"\"say \"\"hi\"\"\"".to_vec()),
        1 => Just(b"\"unclosed".to_vec()),
        1 => Just(b"2022-04-07 10:00:00".to_vec()),
        1 => Just(vec![0xff, 0xfe]),
        1 => prop::collection::vec(any::<u8>(), 0..6),
        1 => "[ -~]{0,8}".prop_map(String::into_bytes),
    ]
}

/// A header: the config's columns in any order, sometimes one missing, repeated or renamed.
fn header() -> impl Strategy<Value = Vec<Vec<u8>>> {
    let names = ["u", "i", "t", "x", "c", "y", "w"];
    (Just(names.to_vec()).prop_shuffle(), 0usize..10, prop::collection::vec(field(), 0..2))
        .prop_map(|(names, change, extra)| {
            let mut cols: Vec<Vec<u8>> = names.iter().map(|n| n.as_bytes().to_vec()).collect();
            match change {
                0 => drop(cols.pop()),
                1 => cols.push(cols[0].clone()),
                2 => cols[1] = b" i ".to_vec(),
                _ => {}
            }
            cols.extend(extra);
            cols
        })
}

/// A field of the column `name` that its role accepts (so that some files load, and the
/// loader's later stages run), or, one time in twenty, any field.
fn cell(name: &[u8]) -> BoxedStrategy<Vec<u8>> {
    let text = |v: Vec<&'static str>| prop::sample::select(v).prop_map(|s| s.as_bytes().to_vec());
    let valid = match name {
        b"u" | b"i" | b"c" => text(vec!["u1", "u2", "a", "b", "a b", "\"q,\""]).boxed(),
        b"t" => (0i64..50).prop_map(|v| v.to_string().into_bytes()).boxed(),
        b"y" => text(vec!["0", "1", " 1 "]).boxed(),
        b"x" => (-5.0f64..100.0).prop_map(|v| format!("{v:.3}").into_bytes()).boxed(),
        b"w" => prop_oneof![9 => (1i64..10).prop_map(|v| v.to_string().into_bytes()), 1 => Just(b"0".to_vec())].boxed(),
        _ => field().boxed(),
    };
    prop_oneof![19 => valid, 1 => field()].boxed()
}

/// A row for `header`: a cell per column, sometimes one too few or too many.
fn row(header: &[Vec<u8>]) -> impl Strategy<Value = Vec<Vec<u8>>> + use<> {
    let cells: Vec<_> = header.iter().map(|h| cell(h)).collect();
    (cells, 0u8..40).prop_map(|(mut cells, k)| {
        match k {
            0 => drop(cells.pop()),
            1 => cells.push(b"extra".to_vec()),
            _ => {}
        }
        cells
    })
}

/// A whole file: a header, rows for it, a delimiter and line endings.
fn csv_file() -> impl Strategy<Value = Vec<u8>> {
    let delimiter = prop_oneof![8 => Just(b','), 1 => Just(b'\t'), 1 => Just(b';')];
    let ending = prop_oneof![Just(&b"\n"[..]), Just(&b"\r\n"[..]), Just(&b"\r"[..])];
    header()
        .prop_flat_map(move |h| {
            let rows = prop::collection::vec(row(&h), 0..25);
            (Just(h), rows, delimiter.clone(), ending.clone(), any::<bool>())
        })
        .prop_map(|(header, rows, d, end, last_newline)| {
            let mut out = Vec::new();
            for (n, line) in std::iter::once(header).chain(rows).enumerate() {
                if n > 0 {
                    out.extend_from_slice(end);
                }
                out.extend(line.join(&d));
            }
            if last_newline {
                out.extend_from_slice(end);
            }
            out
        })
}

/// Asserts `msg` names `file` and a line or a key.
fn names_a_place(msg: &str, file: &Path) {
    assert!(msg.contains(&file.display().to_string()), "no file in: {msg}");
    assert!(
        msg.contains("line ") || msg.contains("key `") || msg.contains("keys `"),
        "no place in: {msg}"
    );
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn the_csv_loader_never_panics_and_names_file_and_line(bytes in csv_file()) {
        let dir = scratch();
        let cfg = DatasetConfig::from_toml_str(CSV_CONFIG, &dir.join("prop.toml"), None)
            .expect("a valid config");
        let data = cfg.files()[0].1.clone();
        std::fs::write(&data, &bytes).expect("write the generated file");
        match load(&cfg) {
            Ok(ds) => prop_assert!(!ds.is_empty()),
            Err(e) => names_a_place(&e.to_string(), &data),
        }
    }

    #[test]
    fn the_dataset_config_parser_never_panics_and_names_a_key_or_line(
        text in config_text(CSV_CONFIG),
        bad_byte in prop::option::weighted(0.1, any::<prop::sample::Index>()),
    ) {
        let path = scratch().join("mutated.toml");
        let result = match bad_byte {
            // Bytes that are not UTF-8 go through the file reader.
            Some(at) => {
                let mut bytes = text.into_bytes();
                bytes.insert(at.index(bytes.len() + 1), 0xc3);
                bytes.push(0xff);
                std::fs::write(&path, &bytes).expect("write the config");
                DatasetConfig::from_file(&path)
            }
            None => DatasetConfig::from_toml_str(&text, &path, None),
        };
        if let Err(e) = result {
            prop_assert!(!matches!(e, Error::Io { .. }), "{e}");
            names_a_place(&e.to_string(), &path);
        }
    }

    #[test]
    fn the_world_config_parser_never_panics_and_names_a_key_or_line(
        text in config_text(WORLD_TOML),
    ) {
        let path = scratch().join("world.toml");
        std::fs::write(&path, &text).expect("write the config");
        if let Err(e) = WorldConfig::from_file(&path) {
            names_a_place(&e.to_string(), &path);
        }
    }

    #[test]
    fn expressions_of_the_grammar_parse_and_explain_exactly_their_values_that_are_not_finite(
        text in grammar_expression(),
        values in prop::collection::vec(prop_oneof![
            Just(0.0), Just(-1.0), Just(1.0), Just(1e308), Just(-1e-308), any::<f64>()
                .prop_filter("finite", |v| v.is_finite())
        ], 8),
    ) {
        let e: Expr = text.parse().map_err(|m| TestCaseError::fail(format!("{text:?}: {m}")))?;
        let v: Vec<f64> = e.column_kinds().iter().zip(&values).map(|(k, &x)| match k {
            ColumnKind::Number => x,
            ColumnKind::Text => e.text_code(b"a"),
        }).collect();
        prop_assert_eq!(v.len(), e.columns().len());
        let y = e.eval(&v);
        prop_assert_eq!(y.is_finite(), e.why_not_finite(&v).is_none(), "{} on {:?}", text, v);
    }

    #[test]
    fn the_expression_parser_never_panics_and_names_a_position(
        text in expression(),
        values in prop::collection::vec(prop_oneof![
            Just(0.0), Just(-1.0), Just(1.0), Just(1e308), Just(-1e-308), any::<f64>()
                .prop_filter("finite", |v| v.is_finite())
        ], 48),
    ) {
        match text.parse::<Expr>() {
            Ok(e) => {
                let v: Vec<f64> = e.column_kinds().iter().zip(&values).map(|(k, &x)| match k {
                    ColumnKind::Number => x,
                    ColumnKind::Text => e.text_code(b"a"),
                }).collect();
                prop_assert_eq!(v.len(), e.columns().len());
                let y = e.eval(&v);
                // Exactly the values that are not finite are explained.
                prop_assert_eq!(y.is_finite(), e.why_not_finite(&v).is_none(), "{} on {:?}", text, v);
            }
            Err(msg) => {
                let located = msg.starts_with("at character ")
                    || msg.contains("column `")
                    || msg.contains("the string \"");
                prop_assert!(located, "{:?}: {}", text, msg);
                if let Some(rest) = msg.strip_prefix("at character ") {
                    let n: usize = rest.split(':').next().and_then(|n| n.parse().ok()).unwrap_or(0);
                    prop_assert!(n >= 1 && n <= text.chars().count() + 1, "{:?}: {}", text, msg);
                }
            }
        }
    }
}

/// The shipped world config, every key at its default.
const WORLD_TOML: &str = include_str!("../configs/world.toml");

/// Values a mutation puts in place of a config value.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("nan".to_string()),
        Just("inf".to_string()),
        Just("-inf".to_string()),
        Just("0".to_string()),
        Just("-1".to_string()),
        Just("1000000000".to_string()),
        Just("9223372036854775807".to_string()),
        Just("18446744073709551615".to_string()),
        Just("1e400".to_string()),
        Just("0.5".to_string()),
        Just("\"\"".to_string()),
        Just("\"1/0\"".to_string()),
        Just("\"((((((x))))))\"".to_string()),
        Just("[]".to_string()),
        Just("[1, 2, 3]".to_string()),
        Just("{}".to_string()),
        Just("true".to_string()),
        any::<i64>().prop_map(|v| v.to_string()),
        any::<f64>().prop_map(|v| format!("{v:?}")),
        "[ -~]{0,12}",
    ]
}

/// `base` with a few lines mutated: a value replaced, a line dropped, duplicated or cut, or
/// random text inserted.
fn config_text(base: &'static str) -> impl Strategy<Value = String> {
    let edit = (any::<prop::sample::Index>(), 0usize..6, value());
    prop::collection::vec(edit, 1..4).prop_map(move |edits| {
        let mut lines: Vec<String> = base.lines().map(str::to_string).collect();
        for (at, kind, v) in edits {
            if lines.is_empty() {
                lines.push(v);
                continue;
            }
            let i = at.index(lines.len());
            match kind {
                0 | 1 => {
                    if let Some((key, _)) = lines[i].split_once('=') {
                        lines[i] = format!("{key}= {v}");
                    }
                }
                2 => drop(lines.remove(i)),
                3 => lines.insert(i, lines[i].clone()),
                4 => {
                    let cut = lines[i].len() / 2;
                    let cut = (0..=cut).rev().find(|&c| lines[i].is_char_boundary(c)).unwrap_or(0);
                    lines[i].truncate(cut);
                }
                _ => lines.insert(i, v),
            }
        }
        lines.join("\n")
    })
}

/// Expressions of the grammar (`CONFIG.md`), every operand in parentheses: number columns
/// `x`, `y`, `` `a b` ``, a text column `s` compared with strings only, numbers of every size,
/// every operator and function, `in` and `not in` lists.
fn grammar_expression() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        prop::sample::select(vec!["x", "y", "`a b`"]).prop_map(String::from),
        prop::sample::select(vec!["0", "1", "2.5", "1e308", "1e-300", ".5", "3"])
            .prop_map(String::from),
        prop::sample::select(vec![
            "s == \"a\"",
            "\"b\" != s",
            "s in (\"a\", \"q\\\"\")",
            "s not in (\"x\")",
        ])
        .prop_map(String::from),
    ];
    leaf.prop_recursive(6, 48, 3, |inner| {
        let ops = vec!["+", "-", "*", "/", "<", "<=", ">", ">=", "==", "!=", "&&", "||"];
        prop_oneof![
            (inner.clone(), prop::sample::select(ops), inner.clone())
                .prop_map(|(a, op, b)| format!("({a}) {op} ({b})")),
            (prop::sample::select(vec!["-", "!", ""]), inner.clone())
                .prop_map(|(op, a)| format!("{op}({a})")),
            (prop::sample::select(vec!["abs", "log1p"]), inner.clone())
                .prop_map(|(f, a)| format!("{f}({a})")),
            (prop::sample::select(vec!["min", "max"]), prop::collection::vec(inner.clone(), 1..4))
                .prop_map(|(f, args)| format!("{f}({})", args.join(", "))),
            (inner.clone(), any::<bool>(), prop::collection::vec(inner, 1..4)).prop_map(
                |(a, not, items)| {
                    format!("({a}) {}in ({})", if not { "not " } else { "" }, items.join(", "))
                }
            ),
        ]
    })
}

/// Expressions: token soup from the grammar's tokens, sometimes deeply nested, and
/// expressions of the grammar with one token changed.
fn expression() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        4 => prop::sample::select(vec!["x", "y", "c", "`a b`", "`in`", "not", "in", "not in"]).prop_map(String::from),
        4 => prop::sample::select(vec!["+", "-", "*", "/", "!", "<", "<=", "==", "!=", "&&", "||", "="]).prop_map(String::from),
        3 => prop::sample::select(vec!["(", ")", ",", "(", ")"]).prop_map(String::from),
        2 => prop::sample::select(vec!["0", "1", "2.5", "1e308", "1e999", ".5", "1x"]).prop_map(String::from),
        2 => prop::sample::select(vec!["\"a\"", "\"b\\\"c\"", "\"bad\\n\"", "\"open"]).prop_map(String::from),
        2 => prop::sample::select(vec!["min(", "max(", "abs(", "log1p(", "foo(", "`open"]).prop_map(String::from),
        1 => "[ -~]",
    ];
    let soup = prop::collection::vec(token.clone(), 0..40)
        .prop_flat_map(|toks| (Just(toks), any::<bool>()))
        .prop_map(|(toks, spaced)| toks.join(if spaced { " " } else { "" }));
    let deep = (1usize..2_000, prop::sample::select(vec!["(", "-", "!", "abs(", "-!"])).prop_map(
        |(n, open)| {
            let close = if open.ends_with('(') { ")" } else { "" };
            format!("{}x{}", open.repeat(n), close.repeat(n))
        },
    );
    let mutated = (grammar_expression(), any::<prop::sample::Index>(), token.clone()).prop_map(
        |(text, at, tok)| {
            let words: Vec<&str> = text.split(' ').collect();
            let i = at.index(words.len());
            let mut out: Vec<String> = words.iter().map(|w| w.to_string()).collect();
            out[i] = tok;
            out.join(" ")
        },
    );
    prop_oneof![4 => soup, 4 => mutated, 1 => deep]
}
