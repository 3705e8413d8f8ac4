//! Arithmetic, logical and text expressions over a row's columns, for derived objectives.
//!
//! Grammar (loosest binding first):
//!
//! ```text
//! expr    := and ("||" and)*
//! and     := cmp ("&&" cmp)*
//! cmp     := sum (("<" | "<=" | ">" | ">=" | "==" | "!=") sum | ("in" | "not" "in") list)?
//! list    := "(" expr ("," expr)* ")"
//! sum     := product (("+" | "-") product)*
//! product := unary (("*" | "/") unary)*
//! unary   := ("-" | "!") unary | primary
//! primary := number | string | column | func "(" expr ("," expr)* ")" | "(" expr ")"
//! string  := '"' (any character but '"' and '\' | '\"' | '\\')* '"'
//! column  := [A-Za-z_][A-Za-z0-9_.]* | `any text without backquotes`
//! func    := min | max | abs | log1p
//! ```
//!
//! Comparisons, `in`, `not in`, `&&`, `||` and `!` give 1 or 0; a value is true when it is not 0.
//! Inside a string, `\"` is a double quote and `\\` a backslash; no other escape exists.
//! A string may only be compared, with `==`, `!=`, `in` or `not in`, with a column or another
//! string; such a column is a [`ColumnKind::Text`] column, every other column a number column,
//! and a column used both ways is an error.
//! Expressions nest at most [`MAX_DEPTH`] levels.
//!
//! ```
//! use deepprl_data::expr::{ColumnKind, Expr};
//! let e: Expr = r#"play_time_ms >= min(duration_ms, 18000) && tab in ("feed", "search")"#.parse().unwrap();
//! assert_eq!(e.columns(), ["play_time_ms", "duration_ms", "tab"]);
//! assert_eq!(e.column_kinds(), [ColumnKind::Number, ColumnKind::Number, ColumnKind::Text]);
//! assert_eq!(e.eval(&[20_000.0, 30_000.0, e.text_code(b"feed")]), 1.0);
//! assert_eq!(e.eval(&[20_000.0, 30_000.0, e.text_code(b"profile")]), 0.0);
//! let quoted: Expr = r#"note not in ("say \"hi\"", "a\\b")"#.parse().unwrap();
//! assert_eq!(quoted.eval(&[quoted.text_code(br#"say "hi""#)]), 0.0);
//! assert_eq!(quoted.eval(&[quoted.text_code(br"a\b")]), 0.0);
//! assert_eq!(quoted.eval(&[quoted.text_code(b"hi")]), 1.0);
//! ```

mod check;
mod lex;
mod parse;

use std::str::FromStr;

/// The deepest an expression may nest: parentheses, function calls, unary operators and the
/// operands of binary operators each count one level.
///
/// Deeper expressions are rejected when parsed, so evaluating one never overflows the stack.
pub const MAX_DEPTH: usize = 256;

/// How the loader reads a column an expression names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// A finite number.
    Number,
    /// Any text, compared byte for byte with the expression's strings.
    Text,
}

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

/// A node of the expression tree; `Col` indexes [`Expr::columns`], `Str` the distinct strings;
/// `Bin` and `Call` keep the character position of their operator or function name.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Num(f64),
    Str(usize),
    Col(usize),
    Neg(Box<Node>),
    Not(Box<Node>),
    Bin(BinOp, Box<Node>, Box<Node>, usize),
    In(Box<Node>, Vec<Node>),
    NotIn(Box<Node>, Vec<Node>),
    Call(Func, Vec<Node>, usize),
}

/// A parsed expression and the distinct columns it reads, in order of first appearance.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    root: Node,
    columns: Vec<String>,
    kinds: Vec<ColumnKind>,
    strings: Vec<String>,
}

impl Expr {
    /// The columns the expression reads; [`Expr::eval`] takes their values in this order.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// How each of [`Expr::columns`] is read: text when it is compared with a string.
    pub fn column_kinds(&self) -> &[ColumnKind] {
        &self.kinds
    }

    /// The value [`Expr::eval`] takes for a text column whose field is `field`: the index of
    /// the equal string of the expression, or -1 when no string is equal.
    pub fn text_code(&self, field: &[u8]) -> f64 {
        self.strings.iter().position(|s| s.as_bytes() == field).map_or(-1.0, |i| i as f64)
    }

    /// The value of the expression given the values of [`Expr::columns`]: the number of a
    /// number column, the [`Expr::text_code`] of a text column's field.
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

    /// Why the expression is not finite on `values` ([`Expr::eval`]'s argument): the first
    /// operation, in evaluation order, that turns finite operands into a value that is not
    /// finite, e.g. `division by zero at character 2`; `None` when the value is finite.
    ///
    /// ```
    /// use deepprl_data::expr::Expr;
    /// let e: Expr = "watched / length".parse().unwrap();
    /// assert_eq!(e.why_not_finite(&[3.0, 0.0]).unwrap(), "division by zero at character 9");
    /// assert_eq!(e.why_not_finite(&[3.0, 2.0]), None);
    /// ```
    pub fn why_not_finite(&self, values: &[f64]) -> Option<String> {
        origin(&self.root, values, &self.columns)
    }
}

/// The innermost operation of `node` whose operands are finite but whose value is not.
fn origin(node: &Node, v: &[f64], names: &[String]) -> Option<String> {
    if eval(node, v).is_finite() {
        return None;
    }
    let sym = |op: &BinOp| match op {
        BinOp::Add => "addition",
        BinOp::Sub => "subtraction",
        BinOp::Mul => "multiplication",
        _ => "operation",
    };
    match node {
        Node::Num(x) => Some(format!("the number {x} is not finite")),
        Node::Col(i) => Some(format!("column `{}` is {}", names[*i], v[*i])),
        Node::Neg(a) => origin(a, v, names),
        Node::Bin(op, a, b, pos) => {
            origin(a, v, names).or_else(|| origin(b, v, names)).or_else(|| {
                let (x, y) = (eval(a, v), eval(b, v));
                Some(match op {
                    BinOp::Div if y == 0.0 => format!("division by zero at character {pos}"),
                    BinOp::Div => format!("the division at character {pos} overflows ({x} / {y})"),
                    op => format!("the {} at character {pos} overflows ({x} and {y})", sym(op)),
                })
            })
        }
        Node::Call(f, args, pos) => args.iter().find_map(|a| origin(a, v, names)).or_else(|| {
            let x = args.first().map_or(f64::NAN, |a| eval(a, v));
            Some(match f {
                Func::Log1p => {
                    format!("log1p of {x} at character {pos} (log1p needs a value above -1)")
                }
                _ => format!("the call at character {pos} is not finite"),
            })
        }),
        // Comparisons, `!`, `in` and strings give finite values.
        Node::Str(_) | Node::Not(_) | Node::In(..) | Node::NotIn(..) => None,
    }
}

fn truth(b: bool) -> f64 {
    if b { 1.0 } else { 0.0 }
}

fn eval(node: &Node, v: &[f64]) -> f64 {
    match node {
        Node::Num(x) => *x,
        // Strings and text fields compare by their code (see `Expr::text_code`).
        Node::Str(i) => *i as f64,
        Node::Col(i) => v[*i],
        Node::Neg(a) => -eval(a, v),
        Node::Not(a) => truth(eval(a, v) == 0.0),
        Node::In(a, items) | Node::NotIn(a, items) => {
            let x = eval(a, v);
            let member = items.iter().any(|item| eval(item, v) == x);
            truth(member == matches!(node, Node::In(..)))
        }
        Node::Bin(op, a, b, _) => {
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
        Node::Call(f, args, _) => {
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

    /// Parses `text` and infers its column kinds; the error names the character position and
    /// what was expected, or the column used both as text and as a number.
    fn from_str(text: &str) -> Result<Self, String> {
        let (mut columns, mut strings) = (Vec::new(), Vec::new());
        let root = parse::parse(text, &mut columns, &mut strings)?;
        let kinds = check::column_kinds(&root, &columns, &strings)?;
        Ok(Expr { root, columns, kinds, strings })
    }
}

#[cfg(test)]
mod tests;
