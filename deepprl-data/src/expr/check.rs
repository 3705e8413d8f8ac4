//! Kinds of an expression's columns: a column compared with a string is text, any other
//! column a number; strings may appear only in such comparisons.

use super::lex::quote;
use super::{BinOp, ColumnKind, Node};

struct Checker<'a> {
    columns: &'a [String],
    strings: &'a [String],
    kinds: Vec<Option<ColumnKind>>,
}

/// The kind of each of `columns` in `root` (a column read nowhere as text is a number).
///
/// # Errors
/// A column used both as text and as a number, or a string outside a comparison with a
/// column or another string.
pub(super) fn column_kinds(
    root: &Node,
    columns: &[String],
    strings: &[String],
) -> Result<Vec<ColumnKind>, String> {
    let mut c = Checker { columns, strings, kinds: vec![None; columns.len()] };
    c.number(root)?;
    Ok(c.kinds.into_iter().map(|k| k.unwrap_or(ColumnKind::Number)).collect())
}

fn is_string(node: &Node) -> bool {
    matches!(node, Node::Str(_))
}

impl Checker<'_> {
    fn mark(&mut self, col: usize, kind: ColumnKind) -> Result<(), String> {
        match self.kinds[col] {
            Some(k) if k != kind => Err(format!(
                "column `{}` is compared with a string and also used as a number",
                self.columns[col]
            )),
            _ => {
                self.kinds[col] = Some(kind);
                Ok(())
            }
        }
    }

    /// Checks `node` where a number is expected.
    fn number(&mut self, node: &Node) -> Result<(), String> {
        match node {
            Node::Num(_) => Ok(()),
            Node::Str(i) => Err(format!(
                "the string {} is used as a number (strings may only be compared with \
                 `==`, `!=`, `in` or `not in`)",
                quote(&self.strings[*i])
            )),
            Node::Col(i) => self.mark(*i, ColumnKind::Number),
            Node::Neg(a) | Node::Not(a) => self.number(a),
            Node::Bin(BinOp::Eq | BinOp::Ne, a, b, _) => self.equality(a, std::slice::from_ref(b)),
            Node::Bin(_, a, b, _) => {
                self.number(a)?;
                self.number(b)
            }
            Node::In(a, items) | Node::NotIn(a, items) => self.equality(a, items),
            Node::Call(_, args, _) => args.iter().try_for_each(|a| self.number(a)),
        }
    }

    /// Checks `lhs == rhs[0]`, or `lhs in (rhs...)`: all text when any side is a string.
    fn equality(&mut self, lhs: &Node, rhs: &[Node]) -> Result<(), String> {
        let operands = std::iter::once(lhs).chain(rhs);
        if !is_string(lhs) && !rhs.iter().any(is_string) {
            return operands.into_iter().try_for_each(|n| self.number(n));
        }
        // The string the messages name (one side is a string).
        let Some(Node::Str(i)) = std::iter::once(lhs).chain(rhs).find(|n| is_string(n)) else {
            unreachable!("checked above")
        };
        let s = quote(&self.strings[*i]);
        for n in operands {
            match n {
                Node::Str(_) => {}
                Node::Col(i) => self.mark(*i, ColumnKind::Text)?,
                Node::Num(x) => {
                    return Err(format!("the string {s} is compared with the number {x}"));
                }
                _ => {
                    return Err(format!(
                        "the string {s} can only be compared with a column or another string"
                    ));
                }
            }
        }
        Ok(())
    }
}
