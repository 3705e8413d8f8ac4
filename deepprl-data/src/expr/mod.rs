//! Arithmetic and logical expressions over a row's columns, for derived objectives.
//!
//! Grammar (loosest binding first):
//!
//! ```text
//! expr    := and ("||" and)*
//! and     := cmp ("&&" cmp)*
//! cmp     := sum (("<" | "<=" | ">" | ">=" | "==" | "!=") sum)?
//! sum     := product (("+" | "-") product)*
//! product := unary (("*" | "/") unary)*
//! unary   := ("-" | "!") unary | primary
//! primary := number | column | func "(" expr ("," expr)* ")" | "(" expr ")"
//! column  := [A-Za-z_][A-Za-z0-9_.]* | `any text without backquotes`
//! func    := min | max | abs | log1p
//! ```
//!
//! Comparisons, `&&`, `||` and `!` give 1 or 0; a value is true when it is not 0.
//!
//! ```
//! use deepprl_data::expr::Expr;
//! let e: Expr = "play_time_ms >= min(duration_ms, 18000) && duration_ms > 0".parse().unwrap();
//! assert_eq!(e.columns(), ["play_time_ms", "duration_ms"]);
//! assert_eq!(e.eval(&[20_000.0, 30_000.0]), 1.0);
//! assert_eq!(e.eval(&[9_000.0, 30_000.0]), 0.0);
//! ```

mod parse;

use std::str::FromStr;

/// A binary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BinOp {
    Or,
    And,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    Add,
    Sub,
    Mul,
    Div,
}

/// A built-in function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Func {
    Min,
    Max,
    Abs,
    Log1p,
}

/// A node of the expression tree; `Col` indexes [`Expr::columns`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Num(f64),
    Col(usize),
    Neg(Box<Node>),
    Not(Box<Node>),
    Bin(BinOp, Box<Node>, Box<Node>),
    Call(Func, Vec<Node>),
}

/// A parsed expression and the distinct columns it reads, in order of first appearance.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    root: Node,
    columns: Vec<String>,
}

impl Expr {
    /// The columns the expression reads; [`Expr::eval`] takes their values in this order.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// The value of the expression given the values of [`Expr::columns`].
    ///
    /// # Panics
    /// If `values` is shorter than [`Expr::columns`].
    pub fn eval(&self, values: &[f64]) -> f64 {
        assert!(
            values.len() >= self.columns.len(),
            "Expr::eval: {} values for {} columns",
            values.len(),
            self.columns.len()
        );
        eval(&self.root, values)
    }
}

fn truth(b: bool) -> f64 {
    if b { 1.0 } else { 0.0 }
}

fn eval(node: &Node, v: &[f64]) -> f64 {
    match node {
        Node::Num(x) => *x,
        Node::Col(i) => v[*i],
        Node::Neg(a) => -eval(a, v),
        Node::Not(a) => truth(eval(a, v) == 0.0),
        Node::Bin(op, a, b) => {
            let x = eval(a, v);
            match op {
                BinOp::Or => truth(x != 0.0 || eval(b, v) != 0.0),
                BinOp::And => truth(x != 0.0 && eval(b, v) != 0.0),
                _ => {
                    let y = eval(b, v);
                    match op {
                        BinOp::Lt => truth(x < y),
                        BinOp::Le => truth(x <= y),
                        BinOp::Gt => truth(x > y),
                        BinOp::Ge => truth(x >= y),
                        BinOp::Eq => truth(x == y),
                        BinOp::Ne => truth(x != y),
                        BinOp::Add => x + y,
                        BinOp::Sub => x - y,
                        BinOp::Mul => x * y,
                        BinOp::Div => x / y,
                        BinOp::Or | BinOp::And => unreachable!("handled above"),
                    }
                }
            }
        }
        Node::Call(f, args) => {
            let mut xs = args.iter().map(|a| eval(a, v));
            match f {
                Func::Min => xs.fold(f64::INFINITY, f64::min),
                Func::Max => xs.fold(f64::NEG_INFINITY, f64::max),
                Func::Abs => xs.next().map_or(f64::NAN, f64::abs),
                Func::Log1p => xs.next().map_or(f64::NAN, f64::ln_1p),
            }
        }
    }
}

impl FromStr for Expr {
    type Err = String;

    /// Parses `text`; the error names the character position and what was expected.
    fn from_str(text: &str) -> Result<Self, String> {
        let mut columns = Vec::new();
        let root = parse::parse(text, &mut columns)?;
        Ok(Expr { root, columns })
    }
}

#[cfg(test)]
mod tests {
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
}
