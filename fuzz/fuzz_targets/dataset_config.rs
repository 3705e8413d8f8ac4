//! The dataset config parser (and the world config parser) on arbitrary bytes: no panic, and
//! every error names the file and a line or a key.
#![no_main]

use deepprl_data::DatasetConfig;
use deepprl_data::world::WorldConfig;
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::OnceLock;

fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("deepprl-fuzz-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        dir
    })
}

fn names_a_place(msg: &str, path: &std::path::Path) {
    assert!(msg.contains(&path.display().to_string()), "no file in: {msg}");
    assert!(msg.contains("line ") || msg.contains("key `"), "no place in: {msg}");
}

fuzz_target!(|data: &[u8]| {
    // Through the file reader, so bytes that are not UTF-8 are covered too.
    let path = dir().join("fuzz.toml");
    std::fs::write(&path, data).expect("write the input");
    if let Err(e) = DatasetConfig::from_file(&path) {
        names_a_place(&e.to_string(), &path);
    }
    if let Err(e) = WorldConfig::from_file(&path) {
        names_a_place(&e.to_string(), &path);
    }
});
