//! Repository hygiene checks, run by plain `cargo test` as rust-analyzer's `tidy.rs` does.
//!
//! Every `*.rs` file of the workspace (outside `target/` and hidden directories) is checked for
//! ignored or panic-expecting tests and leftover debugging macros; every op file has a `tests`
//! module; every `unsafe` block has a `// SAFETY:` comment just above it.
//!
//! The needles are assembled with `concat!` so that this file does not flag itself.

use std::fs;
use std::path::{Path, PathBuf};

use crate::cmd::project_root;

/// Text that must not appear in any Rust file, with the reason shown on a hit.
const FORBIDDEN: &[(&str, &str)] = &[
    (concat!("#[", "ignore"), "tests are never ignored (STYLE H11)"),
    (concat!("should", "_panic"), "assert on an `Err` instead of expecting a panic (STYLE H11)"),
    (concat!("dbg", "!("), "leftover debugging macro"),
    (concat!("todo", "!("), "unfinished code"),
    (concat!("unimplemented", "!("), "unfinished code"),
];

/// The start of an `unsafe` block.
const UNSAFE_BLOCK: &str = concat!("unsafe", " {");
/// The comment that must precede an `unsafe` block.
const SAFETY: &str = concat!("// SAFETY", ":");
/// How many lines above an `unsafe` block may hold its `// SAFETY:` comment.
const SAFETY_WINDOW: usize = 3;
/// The test module every op file must declare.
const TESTS_MODULE: &str = concat!("mod", " tests");
/// The directory of one-op-per-file modules (STYLE H2).
const OPS_DIR: &str = "deepprl-core/src/ops";

/// The forbidden strings in `text`, each with its 1-based line and the reason.
fn forbidden_hits(text: &str) -> Vec<(usize, &'static str, &'static str)> {
    let mut hits = Vec::new();
    for (i, line) in text.lines().enumerate() {
        for &(needle, why) in FORBIDDEN {
            if line.contains(needle) {
                hits.push((i + 1, needle, why));
            }
        }
    }
    hits
}

/// The 1-based lines holding an `unsafe` block without `// SAFETY:` in the lines just above.
fn unsafe_without_safety(text: &str) -> Vec<usize> {
    let lines: Vec<&str> = text.lines().collect();
    (0..lines.len())
        .filter(|&i| lines[i].contains(UNSAFE_BLOCK))
        .filter(|&i| !lines[i.saturating_sub(SAFETY_WINDOW)..i].iter().any(|l| l.contains(SAFETY)))
        .map(|i| i + 1)
        .collect()
}

/// True when `text` declares a `tests` module (inline or as a file).
fn has_tests_module(text: &str) -> bool {
    text.contains(TESTS_MODULE)
}

/// True for an op file that must carry its own tests: not the module root, not a tests file.
fn is_op_file(relative: &Path) -> bool {
    relative.starts_with(OPS_DIR)
        && !matches!(relative.file_name().and_then(|n| n.to_str()), Some("mod.rs" | "tests.rs"))
}

/// Appends every `*.rs` file under `dir` to `out`, skipping `target` and hidden directories.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if path.is_dir() {
            if name != "target" && !name.starts_with('.') {
                rust_files(&path, out);
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

#[test]
fn workspace_is_tidy() {
    let root = project_root();
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    files.sort();
    assert!(files.len() > 1, "tidy found no Rust files under {}", root.display());
    let mut problems = Vec::new();
    for path in &files {
        let relative = path.strip_prefix(&root).unwrap_or(path);
        let Ok(text) = fs::read_to_string(path) else {
            problems.push(format!("{}: cannot be read as UTF-8", relative.display()));
            continue;
        };
        for (line, needle, why) in forbidden_hits(&text) {
            problems.push(format!("{}:{line}: `{needle}`: {why}", relative.display()));
        }
        for line in unsafe_without_safety(&text) {
            problems.push(format!(
                "{}:{line}: `unsafe` block without `{SAFETY}` in the {SAFETY_WINDOW} lines above",
                relative.display()
            ));
        }
        if is_op_file(relative) && !has_tests_module(&text) {
            problems.push(format!("{}: op file without `{TESTS_MODULE}`", relative.display()));
        }
    }
    assert!(
        problems.is_empty(),
        "tidy found {} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn no_two_modules_of_a_crate_import_each_other() {
    use crate::cycles::{crate_sources, imported_paths, module_of, mutual_imports};
    let root = project_root();
    let mut problems = Vec::new();
    let sources = crate_sources(&root);
    assert!(sources.len() > 5, "found only {} crates under {}", sources.len(), root.display());
    for src in sources {
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        let mut modules = std::collections::BTreeMap::new();
        for path in files {
            let relative = path.strip_prefix(&src).unwrap_or(&path);
            let Some(me) = module_of(relative) else { continue };
            let Ok(text) = fs::read_to_string(&path) else { continue };
            let root_file = matches!(
                relative.file_name().and_then(|n| n.to_str()),
                Some("lib.rs" | "main.rs" | "mod.rs")
            );
            let paths = imported_paths(&text, &me, root_file);
            modules.entry(me).or_insert_with(Vec::new).extend(paths);
        }
        let krate =
            src.parent().unwrap_or(&src).strip_prefix(&root).unwrap_or(&src).display().to_string();
        problems.extend(mutual_imports(&modules).into_iter().map(|c| format!("{krate}: {c}")));
    }
    assert!(
        problems.is_empty(),
        "modules that import each other (move what both need into a third module):\n{}",
        problems.join("\n")
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_strings_are_found_with_their_line() {
        let (debug, ignore) = (concat!("dbg", "!("), concat!("#[", "ignore"));
        let text = format!("fn a() {{}}\nlet x = {debug}1);\n#[test]\n{ignore}]\n");
        let hits: Vec<usize> = forbidden_hits(&text).into_iter().map(|(line, ..)| line).collect();
        assert_eq!(hits, [2, 4]);
        let panicking = format!("#[{}]", concat!("should", "_panic"));
        assert_eq!(forbidden_hits(&panicking).len(), 1);
        for clean in ["// ignore this", "todo list", "fn debug() {}", "unimplemented"] {
            assert!(forbidden_hits(clean).is_empty(), "{clean}");
        }
    }

    #[test]
    fn unsafe_needs_a_nearby_safety_comment() {
        let block = UNSAFE_BLOCK;
        let ok = format!("{SAFETY} the pointer is valid.\nlet n = 1;\nlet y = {block} *p }};");
        assert!(unsafe_without_safety(&ok).is_empty());
        let far = format!("{SAFETY} stale.\n1;\n2;\n3;\nlet y = {block} *p }};");
        assert_eq!(unsafe_without_safety(&far), [5]);
        let bare = format!("fn f() {{\n    {block} g() }}\n}}");
        assert_eq!(unsafe_without_safety(&bare), [2]);
        let not_a_block = "unsafe fn g() {}\nunsafe impl Send for X {}";
        assert!(unsafe_without_safety(not_a_block).is_empty());
    }

    #[test]
    fn op_files_are_recognised() {
        assert!(is_op_file(Path::new("deepprl-core/src/ops/dense.rs")));
        assert!(is_op_file(Path::new("deepprl-core/src/ops/lstm/cell.rs")));
        assert!(!is_op_file(Path::new("deepprl-core/src/ops/mod.rs")));
        assert!(!is_op_file(Path::new("deepprl-core/src/layers/linear.rs")));
        assert!(has_tests_module(&format!("#[cfg(test)]\n{TESTS_MODULE} {{}}")));
        assert!(!has_tests_module("fn forward() {}"));
    }
}
