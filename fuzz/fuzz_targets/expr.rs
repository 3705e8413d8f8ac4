//! The expression parser and evaluator on arbitrary text: no panic (no stack overflow at any
//! depth), errors that name a position, a column or a string, and exactly the values that are
//! not finite explained.
#![no_main]

use deepprl_data::expr::{ColumnKind, Expr};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match text.parse::<Expr>() {
        Ok(e) => {
            for x in [0.0, 1.0, -1.0, 1e308] {
                let v: Vec<f64> = e
                    .column_kinds()
                    .iter()
                    .map(|k| match k {
                        ColumnKind::Number => x,
                        ColumnKind::Text => e.text_code(b"a"),
                    })
                    .collect();
                let y = e.eval(&v);
                assert_eq!(y.is_finite(), e.why_not_finite(&v).is_none(), "{text:?} at {x}");
            }
        }
        Err(msg) => assert!(
            msg.starts_with("at character ")
                || msg.contains("column `")
                || msg.contains("the string \""),
            "{text:?}: {msg}"
        ),
    }
});
