use super::*;
use crate::layers::{Mlp, MlpConfig};
use crate::rng::seeded;

struct TempDir(std::path::PathBuf);
impl TempDir {
    fn new(tag: &str) -> Self {
        let p = std::env::temp_dir().join(format!("deepprl-io-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&p).expect("temp dir");
        Self(p)
    }
}
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn mlp(seed: u64, hidden: usize) -> Mlp<f32> {
    MlpConfig::new(3, &[hidden], 2).init(&mut seeded(seed)).expect("valid config")
}

#[test]
fn round_trip_restores_every_parameter_bit_for_bit() -> Result<()> {
    let dir = TempDir::new("round");
    let path = dir.0.join("m.params");
    let a = mlp(0, 4);
    save_params(&path, &a)?;
    let mut b = mlp(1, 4);
    assert_ne!(a, b);
    load_params(&path, &mut b)?;
    assert_eq!(a, b);
    // No temporary file is left behind.
    assert_eq!(
        std::fs::read_dir(&dir.0)
            .map_err(|source| Error::Io { path: dir.0.clone(), source })?
            .count(),
        1
    );
    Ok(())
}

#[test]
fn a_truncated_file_is_reported_and_the_model_is_untouched() -> Result<()> {
    let dir = TempDir::new("trunc");
    let path = dir.0.join("m.params");
    save_params(&path, &mlp(0, 4))?;
    let bytes = std::fs::read(&path).expect("written");
    let mut m = mlp(1, 4);
    let before = m.clone();
    for cut in [10, 30, bytes.len() / 2, bytes.len() - 3] {
        std::fs::write(&path, &bytes[..cut]).expect("write");
        let err = load_params(&path, &mut m).unwrap_err();
        assert!(matches!(err, Error::Corrupt { .. }), "cut at {cut}: {err}");
        assert!(err.to_string().contains("m.params"), "{err}");
    }
    assert_eq!(m, before);
    // A flipped byte in the data fails the checksum.
    let mut flipped = bytes.clone();
    flipped[bytes.len() - 12] ^= 0x40;
    std::fs::write(&path, &flipped).expect("write");
    assert_eq!(
        load_params(&path, &mut m).unwrap_err().to_string(),
        format!("{}: truncated or corrupt parameter file (checksum mismatch)", path.display())
    );
    Ok(())
}

#[test]
fn a_foreign_file_is_reported() {
    let dir = TempDir::new("foreign");
    let path = dir.0.join("notes.txt");
    std::fs::write(&path, "hello, this is not a parameter file").expect("write");
    let err = load_params(&path, &mut mlp(0, 4)).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("{}: not a deepprl parameter file (bad magic bytes)", path.display())
    );
    // A file of f64 parameters loaded into an f32 model.
    let m64: Mlp<f64> = MlpConfig::new(3, &[4], 2).init(&mut seeded(0)).expect("valid");
    save_params(&path, &m64).expect("save");
    let err = load_params(&path, &mut mlp(0, 4)).unwrap_err();
    assert!(err.to_string().contains("8-byte floats, expected 4-byte floats"), "{err}");
    let missing = dir.0.join("missing.params");
    assert!(matches!(load_params(&missing, &mut mlp(0, 4)), Err(Error::Io { .. })));
}

#[test]
fn a_mismatched_model_is_reported_by_name() -> Result<()> {
    let dir = TempDir::new("mismatch");
    let path = dir.0.join("m.params");
    save_params(&path, &mlp(0, 4))?;
    let err = load_params(&path, &mut mlp(0, 5)).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: parameter `0.w` has shape [3, 4] in the file but [3, 5] in the model",
            path.display()
        )
    );
    let mut deeper: Mlp<f32> = MlpConfig::new(3, &[4, 4], 2).init(&mut seeded(0))?;
    let err = load_params(&path, &mut deeper).unwrap_err();
    assert!(
        err.to_string()
            .ends_with("parameter `1.w` has shape [4, 2] in the file but [4, 4] in the model"),
        "{err}"
    );
    let mut wider_out: Mlp<f32> = MlpConfig::new(3, &[4, 2], 2).init(&mut seeded(0))?;
    let err = load_params(&path, &mut wider_out).unwrap_err();
    assert!(err.to_string().ends_with("parameter `2.w` is missing from the file"), "{err}");
    save_params(&path, &deeper)?;
    let err = load_params(&path, &mut mlp(0, 4)).unwrap_err();
    assert!(matches!(err, Error::ParamMismatch { .. }), "{err}");
    Ok(())
}
