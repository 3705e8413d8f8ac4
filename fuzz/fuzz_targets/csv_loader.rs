//! The CSV loader on arbitrary bytes: no panic, and every error names the data file and a line
//! (or, for a dataset too small to split, the file and the split keys).
#![no_main]

use deepprl_data::{DatasetConfig, load};
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::OnceLock;

/// The config every input is loaded with: ids, time, a numeric and a categorical feature, a
/// binary column and expressions of both kinds (the property test's config).
const CONFIG: &str = r#"
name = "fuzz"
[source]
file = "log.csv"
[ids]
user = "u"
item = "i"
[time]
column = "t"
[features]
numeric = ["x"]
categorical = ["c"]
[[objectives]]
name = "y"
column = "y"
kind = "binary"
[[objectives]]
name = "ratio"
expr = "x / w"
kind = "continuous"
[[objectives]]
name = "is_a"
expr = 'c == "a" || log1p(w) > 2'
kind = "binary"
[split]
valid = 0.2
test = 0.2
"#;

fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("deepprl-fuzz-csv-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    let cfg = DatasetConfig::from_toml_str(CONFIG, &dir().join("fuzz.toml"), None).expect("valid");
    let file = cfg.files()[0].1.clone();
    std::fs::write(&file, data).expect("write the input");
    if let Err(e) = load(&cfg) {
        let msg = e.to_string();
        assert!(msg.contains(&file.display().to_string()), "no file in: {msg}");
        assert!(msg.contains("line ") || msg.contains("keys `"), "no place in: {msg}");
    }
});
