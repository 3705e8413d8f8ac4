//! Recursive-descent parser of [`super::Expr`], bounded by [`MAX_DEPTH`].
//!
//! Two depths are bounded: the parser's own nesting (parentheses, calls, `in` lists and unary
//! operators, so `((((1))))` cannot exhaust the stack while parsing) and the depth of the tree
//! it builds (so `1 + 1 + ... + 1`, parsed by a loop, cannot exhaust it when evaluated or
//! dropped).

use super::lex::{Tok, lex};
use super::{BinOp, Func, MAX_DEPTH, Node};

/// A parsed subtree and its depth.
type Sub = (Node, usize);

struct Parser<'a> {
    toks: Vec<(Tok, usize)>,
    at: usize,
    end: usize,
    /// How many parentheses, calls, `in` lists and unary operators enclose the current token.
    nesting: usize,
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
    let mut p = Parser { toks, at: 0, end, nesting: 0, columns, strings };
    let (node, _) = p.or()?;
    match p.toks.get(p.at) {
        None => Ok(node),
        Some((t, pos)) => Err(format!("at character {pos}: unexpected {}", t.describe())),
    }
}

fn too_deep(pos: usize) -> String {
    format!("at character {pos}: the expression nests deeper than the limit of {MAX_DEPTH} levels")
}

/// The index of `name` in `names`, appended if absent.
fn intern(names: &mut Vec<String>, name: String) -> usize {
    names.iter().position(|c| *c == name).unwrap_or_else(|| {
        names.push(name);
        names.len() - 1
    })
}

impl Parser<'_> {
    /// The position of the current token (or of the end).
    fn pos(&self) -> usize {
        self.toks.get(self.at).map_or(self.end, |(_, pos)| *pos)
    }

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

    /// `node` with its `depth`, unless that exceeds [`MAX_DEPTH`].
    fn node(node: Node, depth: usize, pos: usize) -> Result<Sub, String> {
        if depth > MAX_DEPTH { Err(too_deep(pos)) } else { Ok((node, depth)) }
    }

    /// Runs `f` one nesting level deeper; `pos` is where the level opens.
    fn nested<T>(
        &mut self,
        pos: usize,
        f: impl FnOnce(&mut Self) -> Result<T, String>,
    ) -> Result<T, String> {
        if self.nesting >= MAX_DEPTH {
            return Err(too_deep(pos));
        }
        self.nesting += 1;
        let out = f(self);
        self.nesting -= 1;
        out
    }

    /// `expr ("," expr)*`, as in call arguments and `in` lists.
    fn list(&mut self) -> Result<(Vec<Node>, usize), String> {
        let (first, mut depth) = self.or()?;
        let mut items = vec![first];
        while self.eat(",") {
            let (item, d) = self.or()?;
            items.push(item);
            depth = depth.max(d);
        }
        Ok((items, depth))
    }

    fn binary(
        &mut self,
        mut lhs: Sub,
        ops: &[(&str, BinOp)],
        next: fn(&mut Self) -> Result<Sub, String>,
        repeat: bool,
    ) -> Result<Sub, String> {
        'outer: loop {
            let pos = self.pos();
            for (text, op) in ops {
                if self.eat(text) {
                    let rhs = next(self)?;
                    let depth = 1 + lhs.1.max(rhs.1);
                    let node = Node::Bin(*op, Box::new(lhs.0), Box::new(rhs.0), pos);
                    lhs = Self::node(node, depth, pos)?;
                    if repeat {
                        continue 'outer;
                    }
                    return Ok(lhs);
                }
            }
            return Ok(lhs);
        }
    }

    fn or(&mut self) -> Result<Sub, String> {
        let lhs = self.and()?;
        self.binary(lhs, &[("||", BinOp::Or)], Self::and, true)
    }
    fn and(&mut self) -> Result<Sub, String> {
        let lhs = self.cmp()?;
        self.binary(lhs, &[("&&", BinOp::And)], Self::cmp, true)
    }
    fn cmp(&mut self) -> Result<Sub, String> {
        let lhs = self.sum()?;
        let pos = self.pos();
        let negated = self.eat("not in");
        if negated || self.eat("in") {
            self.expect("(")?;
            let (items, depth) = self.nested(pos, Self::list)?;
            self.expect(")")?;
            let node = if negated { Node::NotIn } else { Node::In };
            return Self::node(node(Box::new(lhs.0), items), 1 + lhs.1.max(depth), pos);
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
    fn sum(&mut self) -> Result<Sub, String> {
        let lhs = self.product()?;
        self.binary(lhs, &[("+", BinOp::Add), ("-", BinOp::Sub)], Self::product, true)
    }
    fn product(&mut self) -> Result<Sub, String> {
        let lhs = self.unary()?;
        self.binary(lhs, &[("*", BinOp::Mul), ("/", BinOp::Div)], Self::unary, true)
    }
    fn unary(&mut self) -> Result<Sub, String> {
        let pos = self.pos();
        let wrap: fn(Box<Node>) -> Node = if self.eat("-") {
            Node::Neg
        } else if self.eat("!") {
            Node::Not
        } else {
            return self.primary();
        };
        let (inner, depth) = self.nested(pos, Self::unary)?;
        Self::node(wrap(Box::new(inner)), depth + 1, pos)
    }

    fn primary(&mut self) -> Result<Sub, String> {
        let Some((tok, pos)) = self.toks.get(self.at).cloned() else {
            return Err(format!("at character {}: unexpected end of expression", self.end));
        };
        self.at += 1;
        match tok {
            Tok::Num(x) => Ok((Node::Num(x), 1)),
            Tok::Str(s) => Ok((Node::Str(intern(self.strings, s)), 1)),
            Tok::Op("(") => {
                let inner = self.nested(pos, Self::or)?;
                self.expect(")")?;
                Ok(inner)
            }
            Tok::Ident(name) if self.eat("(") => self.nested(pos, |p| p.call(&name, pos)),
            Tok::Ident(name) => Ok((Node::Col(intern(self.columns, name)), 1)),
            t => Err(format!("at character {pos}: unexpected {}", t.describe())),
        }
    }

    fn call(&mut self, name: &str, pos: usize) -> Result<Sub, String> {
        let (func, arity) = match name {
            "min" => (Func::Min, None),
            "max" => (Func::Max, None),
            "abs" => (Func::Abs, Some(1)),
            "log1p" => (Func::Log1p, Some(1)),
            _ => return Err(format!("at character {pos}: unknown function `{name}`")),
        };
        let (args, depth) = self.list()?;
        self.expect(")")?;
        if let Some(n) = arity.filter(|&n| n != args.len()) {
            return Err(format!(
                "at character {pos}: `{name}` takes {n} argument, got {}",
                args.len()
            ));
        }
        Self::node(Node::Call(func, args, pos), depth + 1, pos)
    }
}
