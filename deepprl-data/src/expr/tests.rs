//! Unit tests of the expression parser, its kind check and its evaluator.

use super::*;

fn value(text: &str, cols: &[f64]) -> f64 {
    text.parse::<Expr>().unwrap().eval(cols)
}

#[test]
fn precedence_and_associativity() {
    assert_eq!(value("1 + 2 * 3", &[]), 7.0);
    assert_eq!(value("(1 + 2) * 3", &[]), 9.0);
    assert_eq!(value("8 / 4 / 2", &[]), 1.0);
    assert_eq!(value("10 - 3 - 2", &[]), 5.0);
    assert_eq!(value("-2 * -3", &[]), 6.0);
    assert_eq!(value("1 < 2 && 3 > 4 || 1", &[]), 1.0);
    assert_eq!(value("!(2 == 2)", &[]), 0.0);
    assert_eq!(value("max(1, 5, 3) - min(4, 2) + abs(-1) + log1p(0)", &[]), 4.0);
    assert_eq!(value("1.5e3", &[]), 1500.0);
}

#[test]
fn columns_are_deduplicated_and_quoted_names_allowed() {
    let e: Expr = "a + `marital status` * a".parse().unwrap();
    assert_eq!(e.columns(), ["a", "marital status"]);
    assert_eq!(e.eval(&[2.0, 3.0]), 8.0);
}

#[test]
fn errors_name_the_position() {
    for (bad, needle) in [
        ("a >=", "end of expression"),
        ("(a", "`)`"),
        ("a b", "unexpected"),
        ("foo(1)", "unknown function"),
        ("abs(1, 2)", "1 argument"),
        ("a # b", "unexpected character"),
        ("`a", "closing backquote"),
        ("", "end of expression"),
    ] {
        let err = bad.parse::<Expr>().unwrap_err();
        assert!(err.contains(needle), "{bad:?}: {err}");
    }
}

#[test]
fn strings_compare_with_text_columns() {
    let e: Expr =
        r#"behavior == "buy" || (tab != "pv" && tab in ("cart", "fav", "buy"))"#.parse().unwrap();
    assert_eq!(e.columns(), ["behavior", "tab"]);
    assert_eq!(e.column_kinds(), [ColumnKind::Text, ColumnKind::Text]);
    // Equal strings share one code; a field equal to none of them has code -1.
    assert_eq!((e.text_code(b"buy"), e.text_code(b"fav"), e.text_code(b"Buy")), (0.0, 3.0, -1.0));
    let at = |b: &[u8], t: &[u8]| e.eval(&[e.text_code(b), e.text_code(t)]);
    assert_eq!(at(b"buy", b"pv"), 1.0);
    assert_eq!(at(b"pv", b"fav"), 1.0);
    assert_eq!(at(b"pv", b"pv"), 0.0);
    assert_eq!(at(b"pv", b"other"), 0.0);
    // `in` also takes numbers, and a column named `in` is written in backquotes.
    assert_eq!(value("`in` in (1, 2, 3)", &[2.0]), 1.0);
    assert_eq!(value("`in` in (1, 2, 3)", &[4.0]), 0.0);
}

#[test]
fn a_column_is_text_or_a_number_not_both() {
    for (bad, needle) in [
        (r#"behavior == "buy" && behavior > 0"#, "column `behavior` is compared with a string"),
        (r#"x + 1 == "a""#, "only be compared with a column"),
        (r#""buy" == price + 1"#, "only be compared with a column"),
        (r#"x in ("a", 2)"#, "compared with the number 2"),
        (r#""a" + 1"#, "the string \"a\" is used as a number"),
        (r#"x < "a""#, "is used as a number"),
    ] {
        let err = bad.parse::<Expr>().unwrap_err();
        assert!(err.contains(needle), "{bad:?}: {err}");
    }
}

#[test]
fn nesting_is_limited_instead_of_overflowing_the_stack() {
    let limit = format!("limit of {MAX_DEPTH} levels");
    let parens = format!("{}1{}", "(".repeat(5_000), ")".repeat(5_000));
    let minus = format!("{}1", "-".repeat(25_000));
    let not = format!("{}1", "!".repeat(25_000));
    let sum = vec!["1"; 10_000].join(" + ");
    let calls = format!("{}1{}", "abs(".repeat(5_000), ")".repeat(5_000));
    for deep in [parens, minus, not, sum, calls] {
        let err = deep.parse::<Expr>().unwrap_err();
        assert!(err.contains(&limit), "{}...: {err}", &deep[..20]);
    }
    // At the limit the expression parses and evaluates.
    let at_limit = format!("{}1{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
    assert_eq!(value(&at_limit, &[]), 1.0);
    assert_eq!(value(&vec!["1"; MAX_DEPTH].join(" + "), &[]), MAX_DEPTH as f64);
}

#[test]
fn escaped_strings_round_trip_through_quote() {
    for (literal, text) in [
        (r#""say \"hi\"""#, r#"say "hi""#),
        (r#""a\\b""#, r"a\b"),
        (r#""\\\"""#, r#"\""#),
        (r#""""#, ""),
        (r#""in, not in ( ""#, "in, not in ( "),
    ] {
        let toks = lex::lex(literal).unwrap();
        assert_eq!(toks, [(lex::Tok::Str(text.into()), 1)], "{literal}");
        assert_eq!(lex::quote(text), literal);
    }
    // The field equal to the unescaped text matches, its escaped spelling does not.
    let e: Expr = r#"note == "say \"hi\"""#.parse().unwrap();
    assert_eq!(e.eval(&[e.text_code(br#"say "hi""#)]), 1.0);
    assert_eq!(e.eval(&[e.text_code(br#"say \"hi\""#)]), 0.0);
}

#[test]
fn bad_strings_name_the_position() {
    for (bad, needle) in [
        (r#"behavior == "buy"#, "at character 13: no closing double quote"),
        // An escaped quote does not close the string, nor does a final backslash.
        (r#"behavior == "buy\""#, "at character 13: no closing double quote"),
        (r#"x == "a\"#, "at character 6: no closing double quote"),
        (r#"x == "a\n""#, "at character 8: unknown escape `\\n`"),
        // Error messages spell strings as they are written.
        (r#""a\"b" * 2"#, r#"the string "a\"b" is used as a number"#),
    ] {
        let err = bad.parse::<Expr>().unwrap_err();
        assert!(err.contains(needle), "{bad:?}: {err}");
    }
}

#[test]
fn not_in_is_the_negation_of_in() {
    let e: Expr = r#"behavior not in ("pv", "share")"#.parse().unwrap();
    assert_eq!(e.column_kinds(), [ColumnKind::Text]);
    for (field, expected) in [(&b"pv"[..], 0.0), (b"share", 0.0), (b"buy", 1.0), (b"", 1.0)] {
        assert_eq!(e.eval(&[e.text_code(field)]), expected, "{field:?}");
    }
    assert_eq!(value("rating not in (4, 5)", &[3.0]), 1.0);
    assert_eq!(value("rating not in (4, 5)", &[5.0]), 0.0);
    assert_eq!(value("rating  not\tin (4, 5) && rating in (4, 5)", &[4.0]), 0.0);
    // `not` is a keyword only before `in`: elsewhere it is a column, and a column named `not`
    // tested for membership is written in backquotes.
    assert_eq!(value("not + nothing", &[1.0, 2.0]), 3.0);
    assert_eq!(value("`not` in (1)", &[1.0]), 1.0);
    assert_eq!(value("notin in (1)", &[1.0]), 1.0);
    for (bad, needle) in [
        (r#"x not in ("a", 2)"#, "compared with the number 2"),
        (r#"x not in "a""#, "expected `(`"),
        (r#"not in (1)"#, "unexpected `not in`"),
    ] {
        let err = bad.parse::<Expr>().unwrap_err();
        assert!(err.contains(needle), "{bad:?}: {err}");
    }
}
