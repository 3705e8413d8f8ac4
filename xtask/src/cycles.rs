//! The tidy check that no two modules of one crate import each other.
//!
//! A module is a file under a crate's `src/` (`a/b.rs` and `a/b/mod.rs` are `a::b`; `lib.rs`
//! and `main.rs` are the root). Module A imports module B when A names a path `crate::…`,
//! `super::…` or `self::…` that resolves to B: the longest prefix of the path that is a
//! module. Two exceptions keep the check about dependencies rather than layout: `pub use`
//! re-exports in module roots (`lib.rs`, `main.rs`, `mod.rs`) are the module's documented API,
//! not a dependency; and an indented `use super::…` is inside an inline module (`mod tests`), so
//! it names the file's own module.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// A module path, e.g. `["stage_b", "driver"]`; empty for the crate root.
pub type ModPath = Vec<String>;

/// The module path of a file relative to its crate's `src/`, or `None` for a file that is not a
/// module of the library or main binary (`src/bin/*.rs`).
pub fn module_of(relative: &Path) -> Option<ModPath> {
    let parts: Vec<String> =
        relative.iter().map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string()).collect();
    if parts.first().is_some_and(|p| p == "bin") {
        return None;
    }
    let mut path = parts;
    if matches!(path.last().map(String::as_str), Some("mod" | "lib" | "main")) {
        path.pop();
    }
    Some(path)
}

/// Expands a `use` tree (the text after `use`, without the `;`) into full paths.
fn expand(prefix: &[String], tree: &str, out: &mut Vec<Vec<String>>) {
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let head: Vec<String> = split_path(&tree[..open]);
        let mut base = prefix.to_vec();
        base.extend(head);
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        let mut depth = 0;
        let mut start = 0;
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(&base, &inner[start..i], out);
                    start = i + 1;
                }
                _ => {}
            }
        }
        expand(&base, &inner[start..], out);
    } else {
        let item = tree.split(" as ").next().unwrap_or("").trim();
        if item.is_empty() {
            return;
        }
        let mut p = prefix.to_vec();
        let keep_self = p.is_empty();
        p.extend(split_path(item).into_iter().filter(|s| s != "self" || keep_self));
        out.push(p);
    }
}

fn split_path(s: &str) -> Vec<String> {
    s.split("::").map(str::trim).filter(|p| !p.is_empty() && *p != "*").map(String::from).collect()
}

/// Every `crate`/`super`/`self` path that `text` (the file of module `me`) names, made absolute
/// (without the leading `crate`).
pub fn imported_paths(text: &str, me: &[String], is_root_file: bool) -> Vec<Vec<String>> {
    let mut raw: Vec<(Vec<String>, bool)> = Vec::new(); // (path, indented)
    let code: Vec<&str> = text.lines().map(|l| l.split("//").next().unwrap_or("")).collect();
    let joined = code.join("\n");
    let mut rest = joined.as_str();
    // `use` statements (possibly over several lines).
    while let Some(pos) = find_use(rest) {
        let before = &rest[..pos];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let lead = &rest[line_start..pos];
        let indented = lead.starts_with(' ') || lead.starts_with('\t');
        let is_pub = lead.trim_start().starts_with("pub");
        let after = &rest[pos + 4..];
        let end = after.find(';').unwrap_or(after.len());
        if !(is_pub && is_root_file) {
            let mut paths = Vec::new();
            expand(&[], &after[..end], &mut paths);
            raw.extend(paths.into_iter().map(|p| (p, indented)));
        }
        rest = &after[end..];
    }
    // Paths written inline, e.g. `crate::manifest::write_json(...)`.
    for line in &code {
        if line.trim_start().starts_with("use ") || line.trim_start().starts_with("pub use ") {
            continue;
        }
        let mut s = *line;
        while let Some(i) = s.find("crate::") {
            let boundary = i == 0 || !s[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_');
            let tail = &s[i..];
            let len = tail
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(tail.len());
            if boundary {
                raw.push((split_path(&tail[..len]), false));
            }
            s = &tail[len.max(1)..];
        }
    }
    raw.into_iter()
        .filter_map(|(p, indented)| {
            let first = p.first()?.as_str();
            match first {
                "crate" => Some(p[1..].to_vec()),
                "self" => Some(me.iter().cloned().chain(p[1..].iter().cloned()).collect()),
                "super" if indented => {
                    Some(me.iter().cloned().chain(p[1..].iter().cloned()).collect())
                }
                "super" => {
                    let mut base = me.to_vec();
                    let mut i = 0;
                    while p.get(i).is_some_and(|s| s == "super") {
                        base.pop();
                        i += 1;
                    }
                    Some(base.into_iter().chain(p[i..].iter().cloned()).collect())
                }
                _ => None,
            }
        })
        .collect()
}

/// The byte offset of the next `use ` keyword at the start of a statement.
fn find_use(s: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = s[from..].find("use ") {
        let at = from + i;
        let prev = s[..at].trim_end_matches([' ', '\t']);
        let ok = prev.is_empty()
            || prev.ends_with('\n')
            || prev.ends_with(';')
            || prev.ends_with('{')
            || prev.ends_with('}')
            || prev.ends_with("pub")
            || prev.ends_with(')');
        if ok && (at == 0 || !s[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_')) {
            return Some(at);
        }
        from = at + 4;
    }
    None
}

/// The pairs of distinct modules of one crate that import each other, as `a ⇄ b` lines.
pub fn mutual_imports(modules: &BTreeMap<ModPath, Vec<Vec<String>>>) -> Vec<String> {
    let resolve = |p: &[String]| -> ModPath {
        (0..=p.len())
            .rev()
            .map(|n| p[..n].to_vec())
            .find(|m| modules.contains_key(m))
            .unwrap_or_default()
    };
    let mut edges: BTreeSet<(ModPath, ModPath)> = BTreeSet::new();
    for (m, paths) in modules {
        for p in paths {
            let target = resolve(p);
            if &target != m {
                edges.insert((m.clone(), target));
            }
        }
    }
    let name = |m: &ModPath| if m.is_empty() { "crate".to_string() } else { m.join("::") };
    edges
        .iter()
        .filter(|(a, b)| a < b && edges.contains(&(b.clone(), a.clone())))
        .map(|(a, b)| format!("{} ⇄ {}", name(a), name(b)))
        .collect()
}

/// The `src/` folders of the workspace's crates.
pub fn crate_sources(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().to_string();
            if !p.is_dir() || name == "target" || name.starts_with('.') {
                continue;
            }
            if name == "src" && dir.join("Cargo.toml").is_file() {
                out.push(p);
            } else {
                stack.push(p);
            }
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn modules(files: &[(&str, &str)]) -> BTreeMap<ModPath, Vec<Vec<String>>> {
        files
            .iter()
            .map(|(path, text)| {
                let me = module_of(Path::new(path)).expect("a module");
                let root = path.ends_with("lib.rs") || path.ends_with("mod.rs");
                let paths = imported_paths(text, &me, root);
                (me, paths)
            })
            .collect()
    }

    #[test]
    fn a_mutual_import_is_found_and_reexports_tests_and_children_are_not() {
        let m = modules(&[
            ("lib.rs", "pub mod a;\npub mod b;\npub mod c;\npub use a::A;\n"),
            ("a.rs", "use crate::b::{self, B};\npub struct A;\n"),
            ("b.rs", "use crate::{Error, a::A};\nfn f() { crate::c::g(); }\n"),
            ("c.rs", "use crate::Error;\n#[cfg(test)]\nmod tests {\n    use super::*;\n}\n"),
            ("d/mod.rs", "mod e;\npub use e::E;\nfn f() { e::run(); }\n"),
            ("d/e.rs", "use super::helper;\nuse crate::d::other;\n"),
        ]);
        assert_eq!(mutual_imports(&m), vec!["a ⇄ b".to_string()]);
    }

    #[test]
    fn a_child_importing_its_parents_body_while_the_parent_uses_it_is_a_cycle() {
        let m = modules(&[
            ("lib.rs", "pub mod s;\n"),
            ("s/mod.rs", "pub mod x;\nuse crate::s::x::run;\npub struct Ctx;\n"),
            ("s/x.rs", "use super::Ctx;\npub fn run() {}\n"),
        ]);
        assert_eq!(mutual_imports(&m), vec!["s ⇄ s::x".to_string()]);
    }

    #[test]
    fn use_trees_expand() {
        let mut out = Vec::new();
        expand(&[], "crate::a::{self, b::{C, D as E}, f}", &mut out);
        let want: Vec<Vec<String>> = [
            &["crate", "a"][..],
            &["crate", "a", "b", "C"],
            &["crate", "a", "b", "D"],
            &["crate", "a", "f"],
        ]
        .iter()
        .map(|p| p.iter().map(|s| s.to_string()).collect())
        .collect();
        assert_eq!(out, want);
    }
}
