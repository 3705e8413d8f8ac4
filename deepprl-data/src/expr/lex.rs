//! Tokeniser of [`super::Expr`]: numbers, names, strings and operators, each with its position.

/// A token of an expression.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    Num(f64),
    /// A column or function name (bare or backquoted).
    Ident(String),
    /// A double-quoted string.
    Str(String),
    /// An operator, a parenthesis, a comma or the keyword `in`.
    Op(&'static str),
}

impl Tok {
    /// The token as an error message names it.
    pub(super) fn describe(&self) -> String {
        match self {
            Tok::Num(x) => format!("number `{x}`"),
            Tok::Ident(s) => format!("name `{s}`"),
            Tok::Str(s) => format!("string \"{s}\""),
            Tok::Op(o) => format!("`{o}`"),
        }
    }
}

/// The text between `chars[i]` (an opening `quote`) and the next `quote`, and the index after it.
fn quoted(chars: &[char], i: usize, quote: char, what: &str) -> Result<(String, usize), String> {
    let end = chars[i + 1..]
        .iter()
        .position(|&d| d == quote)
        .ok_or_else(|| format!("at character {}: no closing {what}", i + 1))?;
    Ok((chars[i + 1..i + 1 + end].iter().collect(), i + end + 2))
}

/// Splits `text` into tokens, each with its 1-based character position.
pub(super) fn lex(text: &str) -> Result<Vec<(Tok, usize)>, String> {
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
            let word: String = chars[start..i].iter().collect();
            // A column named `in` is written `in` in backquotes.
            out.push((if word == "in" { Tok::Op("in") } else { Tok::Ident(word) }, pos));
        } else if c == '`' {
            let (name, next) = quoted(&chars, i, '`', "backquote")?;
            out.push((Tok::Ident(name), pos));
            i = next;
        } else if c == '"' {
            let (s, next) = quoted(&chars, i, '"', "double quote")?;
            out.push((Tok::Str(s), pos));
            i = next;
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
