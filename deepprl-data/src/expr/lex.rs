//! Tokeniser of [`super::Expr`]: numbers, names, strings and operators, each with its position.

/// A token of an expression.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    Num(f64),
    /// A column or function name (bare or backquoted).
    Ident(String),
    /// A double-quoted string, unescaped.
    Str(String),
    /// An operator, a parenthesis, a comma, or the keyword `in` or `not in`.
    Op(&'static str),
}

impl Tok {
    /// The token as an error message names it.
    pub(super) fn describe(&self) -> String {
        match self {
            Tok::Num(x) => format!("number `{x}`"),
            Tok::Ident(s) => format!("name `{s}`"),
            Tok::Str(s) => format!("string {}", quote(s)),
            Tok::Op(o) => format!("`{o}`"),
        }
    }
}

/// The name between the backquote at `chars[i]` and the next one, and the index after it.
fn backquoted(chars: &[char], i: usize) -> Result<(String, usize), String> {
    let end = chars[i + 1..]
        .iter()
        .position(|&d| d == '`')
        .ok_or_else(|| format!("at character {}: no closing backquote", i + 1))?;
    Ok((chars[i + 1..i + 1 + end].iter().collect(), i + end + 2))
}

/// The string opened by the double quote at `chars[i]`, with `\"` and `\\` unescaped, and the
/// index after its closing quote.
fn string(chars: &[char], i: usize) -> Result<(String, usize), String> {
    let mut out = String::new();
    let mut j = i + 1;
    loop {
        let (c, width) = match (chars.get(j), chars.get(j + 1)) {
            (None, _) | (Some('\\'), None) => {
                return Err(format!("at character {}: no closing double quote", i + 1));
            }
            (Some('"'), _) => return Ok((out, j + 1)),
            (Some('\\'), Some(&c @ ('"' | '\\'))) => (c, 2),
            (Some('\\'), Some(c)) => {
                return Err(format!(
                    "at character {}: unknown escape `\\{c}` (a string escapes only `\\\"` and \
                     `\\\\`)",
                    j + 1
                ));
            }
            (Some(&c), _) => (c, 1),
        };
        out.push(c);
        j += width;
    }
}

/// `s` as a string literal of the grammar: in double quotes, `"` and `\` escaped.
pub(super) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if matches!(c, '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// Whether `chars[i..]` starts with the bare word `in`, after any whitespace; the index after it.
fn word_in(chars: &[char], mut i: usize) -> Option<usize> {
    while chars.get(i).is_some_and(|c| c.is_whitespace()) {
        i += 1;
    }
    let ends =
        |j: usize| !chars.get(j).is_some_and(|&c| c.is_ascii_alphanumeric() || "_.".contains(c));
    (chars.get(i) == Some(&'i') && chars.get(i + 1) == Some(&'n') && ends(i + 2)).then_some(i + 2)
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
            let x: f64 = s.parse().map_err(|_| format!("at character {pos}: bad number `{s}`"))?;
            if !x.is_finite() {
                return Err(format!("at character {pos}: the number `{s}` is too large"));
            }
            out.push((Tok::Num(x), pos));
        } else if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || "_.".contains(chars[i])) {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            // A column named `in`, or one named `not` before `in`, is written in backquotes.
            if word == "in" {
                out.push((Tok::Op("in"), pos));
            } else if let Some(next) = word_in(&chars, i).filter(|_| word == "not") {
                out.push((Tok::Op("not in"), pos));
                i = next;
            } else {
                out.push((Tok::Ident(word), pos));
            }
        } else if c == '`' {
            let (name, next) = backquoted(&chars, i)?;
            out.push((Tok::Ident(name), pos));
            i = next;
        } else if c == '"' {
            let (s, next) = string(&chars, i)?;
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
