//! Recursive-descent parser of [`super::Expr`].

use super::lex::{Tok, lex};
use super::{BinOp, Func, Node};

struct Parser<'a> {
    toks: Vec<(Tok, usize)>,
    at: usize,
    end: usize,
    columns: &'a mut Vec<String>,
    strings: &'a mut Vec<String>,
}

/// Parses `text`, appending the distinct column names it reads to `columns` and its distinct
/// strings to `strings`.
pub(super) fn parse(
    text: &str,
    columns: &mut Vec<String>,
    strings: &mut Vec<String>,
) -> Result<Node, String> {
    let toks = lex(text)?;
    let end = text.chars().count() + 1;
    let mut p = Parser { toks, at: 0, end, columns, strings };
    let node = p.or()?;
    match p.toks.get(p.at) {
        None => Ok(node),
        Some((t, pos)) => Err(format!("at character {pos}: unexpected {}", t.describe())),
    }
}

/// The index of `name` in `names`, appended if absent.
fn intern(names: &mut Vec<String>, name: String) -> usize {
    names.iter().position(|c| *c == name).unwrap_or_else(|| {
        names.push(name);
        names.len() - 1
    })
}

impl Parser<'_> {
    fn eat(&mut self, op: &str) -> bool {
        let hit = matches!(self.toks.get(self.at), Some((Tok::Op(o), _)) if *o == op);
        self.at += usize::from(hit);
        hit
    }

    fn expect(&mut self, op: &str) -> Result<(), String> {
        if self.eat(op) {
            return Ok(());
        }
        Err(match self.toks.get(self.at) {
            Some((t, pos)) => {
                format!("at character {pos}: expected `{op}`, found {}", t.describe())
            }
            None => format!("at character {}: expected `{op}` before the end", self.end),
        })
    }

    /// `expr ("," expr)*`, as in call arguments and `in` lists.
    fn list(&mut self) -> Result<Vec<Node>, String> {
        let mut items = vec![self.or()?];
        while self.eat(",") {
            items.push(self.or()?);
        }
        Ok(items)
    }

    fn binary(
        &mut self,
        mut lhs: Node,
        ops: &[(&str, BinOp)],
        next: fn(&mut Self) -> Result<Node, String>,
        repeat: bool,
    ) -> Result<Node, String> {
        'outer: loop {
            for (text, op) in ops {
                if self.eat(text) {
                    lhs = Node::Bin(*op, Box::new(lhs), Box::new(next(self)?));
                    if repeat {
                        continue 'outer;
                    }
                    return Ok(lhs);
                }
            }
            return Ok(lhs);
        }
    }

    fn or(&mut self) -> Result<Node, String> {
        let lhs = self.and()?;
        self.binary(lhs, &[("||", BinOp::Or)], Self::and, true)
    }
    fn and(&mut self) -> Result<Node, String> {
        let lhs = self.cmp()?;
        self.binary(lhs, &[("&&", BinOp::And)], Self::cmp, true)
    }
    fn cmp(&mut self) -> Result<Node, String> {
        let lhs = self.sum()?;
        if self.eat("in") {
            self.expect("(")?;
            let items = self.list()?;
            self.expect(")")?;
            return Ok(Node::In(Box::new(lhs), items));
        }
        let ops = [
            ("<=", BinOp::Le),
            (">=", BinOp::Ge),
            ("<", BinOp::Lt),
            (">", BinOp::Gt),
            ("==", BinOp::Eq),
            ("!=", BinOp::Ne),
        ];
        self.binary(lhs, &ops, Self::sum, false)
    }
    fn sum(&mut self) -> Result<Node, String> {
        let lhs = self.product()?;
        self.binary(lhs, &[("+", BinOp::Add), ("-", BinOp::Sub)], Self::product, true)
    }
    fn product(&mut self) -> Result<Node, String> {
        let lhs = self.unary()?;
        self.binary(lhs, &[("*", BinOp::Mul), ("/", BinOp::Div)], Self::unary, true)
    }
    fn unary(&mut self) -> Result<Node, String> {
        if self.eat("-") {
            Ok(Node::Neg(Box::new(self.unary()?)))
        } else if self.eat("!") {
            Ok(Node::Not(Box::new(self.unary()?)))
        } else {
            self.primary()
        }
    }

    fn primary(&mut self) -> Result<Node, String> {
        let Some((tok, pos)) = self.toks.get(self.at).cloned() else {
            return Err(format!("at character {}: unexpected end of expression", self.end));
        };
        self.at += 1;
        match tok {
            Tok::Num(x) => Ok(Node::Num(x)),
            Tok::Str(s) => Ok(Node::Str(intern(self.strings, s))),
            Tok::Op("(") => {
                let inner = self.or()?;
                self.expect(")")?;
                Ok(inner)
            }
            Tok::Ident(name) if self.eat("(") => self.call(&name, pos),
            Tok::Ident(name) => Ok(Node::Col(intern(self.columns, name))),
            t => Err(format!("at character {pos}: unexpected {}", t.describe())),
        }
    }

    fn call(&mut self, name: &str, pos: usize) -> Result<Node, String> {
        let (func, arity) = match name {
            "min" => (Func::Min, None),
            "max" => (Func::Max, None),
            "abs" => (Func::Abs, Some(1)),
            "log1p" => (Func::Log1p, Some(1)),
            _ => return Err(format!("at character {pos}: unknown function `{name}`")),
        };
        let args = self.list()?;
        self.expect(")")?;
        if let Some(n) = arity.filter(|&n| n != args.len()) {
            return Err(format!(
                "at character {pos}: `{name}` takes {n} argument, got {}",
                args.len()
            ));
        }
        Ok(Node::Call(func, args))
    }
}
