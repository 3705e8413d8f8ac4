//! Tokeniser and recursive-descent parser of [`super::Expr`].

use super::{BinOp, Func, Node};

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Ident(String),
    Op(&'static str),
}

/// Splits `text` into tokens, each with its 1-based character position.
fn lex(text: &str) -> Result<Vec<(Tok, usize)>, String> {
    const OPS: [&str; 17] =
        ["||", "&&", "<=", ">=", "==", "!=", "<", ">", "+", "-", "*", "/", "!", "(", ")", ",", "="];
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let pos = i + 1;
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit()
            || (c == '.' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit()))
        {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_alphanumeric()
                    || chars[i] == '.'
                    || ((chars[i] == '+' || chars[i] == '-') && matches!(chars[i - 1], 'e' | 'E')))
            {
                i += 1;
            }
            let s: String = chars[start..i].iter().collect();
            let x = s.parse().map_err(|_| format!("at character {pos}: bad number `{s}`"))?;
            out.push((Tok::Num(x), pos));
        } else if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || "_.".contains(chars[i])) {
                i += 1;
            }
            out.push((Tok::Ident(chars[start..i].iter().collect()), pos));
        } else if c == '`' {
            let end = chars[i + 1..]
                .iter()
                .position(|&d| d == '`')
                .ok_or_else(|| format!("at character {pos}: no closing backquote"))?;
            out.push((Tok::Ident(chars[i + 1..i + 1 + end].iter().collect()), pos));
            i += end + 2;
        } else {
            let rest: String = chars[i..chars.len().min(i + 2)].iter().collect();
            match OPS.iter().find(|op| rest.starts_with(**op)) {
                Some(&"=") => return Err(format!("at character {pos}: use `==` to compare")),
                Some(op) => {
                    out.push((Tok::Op(op), pos));
                    i += op.len();
                }
                None => return Err(format!("at character {pos}: unexpected character `{c}`")),
            }
        }
    }
    Ok(out)
}

struct Parser<'a> {
    toks: Vec<(Tok, usize)>,
    at: usize,
    end: usize,
    columns: &'a mut Vec<String>,
}

/// Parses `text`, appending the distinct column names it reads to `columns`.
pub(super) fn parse(text: &str, columns: &mut Vec<String>) -> Result<Node, String> {
    let toks = lex(text)?;
    let mut p = Parser { toks, at: 0, end: text.chars().count() + 1, columns };
    let node = p.or()?;
    match p.toks.get(p.at) {
        None => Ok(node),
        Some((t, pos)) => Err(format!("at character {pos}: unexpected {}", describe(t))),
    }
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Num(x) => format!("number `{x}`"),
        Tok::Ident(s) => format!("name `{s}`"),
        Tok::Op(o) => format!("`{o}`"),
    }
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
            Some((t, pos)) => format!("at character {pos}: expected `{op}`, found {}", describe(t)),
            None => format!("at character {}: expected `{op}` before the end", self.end),
        })
    }

    fn binary(
        &mut self,
        ops: &[(&str, BinOp)],
        next: fn(&mut Self) -> Result<Node, String>,
        repeat: bool,
    ) -> Result<Node, String> {
        let mut lhs = next(self)?;
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
        self.binary(&[("||", BinOp::Or)], Self::and, true)
    }
    fn and(&mut self) -> Result<Node, String> {
        self.binary(&[("&&", BinOp::And)], Self::cmp, true)
    }
    fn cmp(&mut self) -> Result<Node, String> {
        let ops = [
            ("<=", BinOp::Le),
            (">=", BinOp::Ge),
            ("<", BinOp::Lt),
            (">", BinOp::Gt),
            ("==", BinOp::Eq),
            ("!=", BinOp::Ne),
        ];
        self.binary(&ops, Self::sum, false)
    }
    fn sum(&mut self) -> Result<Node, String> {
        self.binary(&[("+", BinOp::Add), ("-", BinOp::Sub)], Self::product, true)
    }
    fn product(&mut self) -> Result<Node, String> {
        self.binary(&[("*", BinOp::Mul), ("/", BinOp::Div)], Self::unary, true)
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
            Tok::Op("(") => {
                let inner = self.or()?;
                self.expect(")")?;
                Ok(inner)
            }
            Tok::Ident(name) if self.eat("(") => self.call(&name, pos),
            Tok::Ident(name) => {
                let idx = match self.columns.iter().position(|c| *c == name) {
                    Some(i) => i,
                    None => {
                        self.columns.push(name);
                        self.columns.len() - 1
                    }
                };
                Ok(Node::Col(idx))
            }
            t => Err(format!("at character {pos}: unexpected {}", describe(&t))),
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
        let mut args = vec![self.or()?];
        while self.eat(",") {
            args.push(self.or()?);
        }
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
