//! The float trait every op and layer is generic over.
//!
//! [`Float`] is `ndarray::NdFloat` plus what initialisers and parameter files need; it is
//! implemented for `f32` (training) and `f64` (gradient checks) and nothing else.

use ndarray::NdFloat;
use ndarray_rand::rand_distr::uniform::SampleUniform;

/// A float type usable by deepprl's ops: `f32` or `f64`.
pub trait Float: NdFloat + SampleUniform + Default + std::iter::Sum + 'static {
    /// Bytes per element in a parameter file.
    const BYTES: u8;
    /// Converts from `f64`, rounding to the nearest representable value.
    fn from_f64(v: f64) -> Self;
    /// Writes the little-endian bytes of `self` to `out`.
    fn write_le(self, out: &mut Vec<u8>);
    /// Reads a value from exactly [`Float::BYTES`] little-endian bytes.
    fn read_le(bytes: &[u8]) -> Self;
}

impl Float for f32 {
    const BYTES: u8 = 4;
    fn from_f64(v: f64) -> Self {
        v as f32
    }
    fn write_le(self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_le_bytes());
    }
    fn read_le(bytes: &[u8]) -> Self {
        f32::from_le_bytes(bytes.try_into().expect("4 bytes for an f32"))
    }
}

impl Float for f64 {
    const BYTES: u8 = 8;
    fn from_f64(v: f64) -> Self {
        v
    }
    fn write_le(self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_le_bytes());
    }
    fn read_le(bytes: &[u8]) -> Self {
        f64::from_le_bytes(bytes.try_into().expect("8 bytes for an f64"))
    }
}
