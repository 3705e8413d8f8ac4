//! The float trait every op and layer is generic over.
//!
//! [`Float`] is `ndarray::NdFloat` plus what initialisers, parameter files and the matrix kernel
//! ([`crate::matmul::Element`]) need; it is
//! implemented for `f32` (training) and `f64` (gradient checks) and nothing else.

use ndarray::NdFloat;
use ndarray_rand::rand_distr::uniform::SampleUniform;

/// A float type usable by deepprl's ops: `f32` or `f64`.
pub trait Float:
    NdFloat + SampleUniform + Default + std::iter::Sum + crate::matmul::Element + 'static
{
    /// Bytes per element in a parameter file.
    const BYTES: u8;
    /// Converts from `f64`, rounding to the nearest representable value.
    fn from_f64(v: f64) -> Self;
    /// Writes the little-endian bytes of `self` to `out`.
    fn write_le(self, out: &mut Vec<u8>);
    /// Reads a value from exactly [`Float::BYTES`] little-endian bytes.
    fn read_le(bytes: &[u8]) -> Self;
    /// `exp(x)`, written for hot loops: `f32` uses a branch-free polynomial (within 2 ulp of
    /// `f32::exp` on [−87, 88], clamped outside) that the compiler vectorises, where the libm call
    /// would stop vectorisation; `f64` uses `f64::exp` so gradient checks see the exact function.
    fn fast_exp(self) -> Self;
    /// `tanh(x)` for hot loops, as `1 − 2 / (1 + exp(2x))` with [`Float::fast_exp`] for `f32`
    /// (absolute error below 3e-7); `f64::tanh` for `f64`.
    fn fast_tanh(self) -> Self;
}

impl Float for f32 {
    const BYTES: u8 = 4;
    #[inline(always)]
    fn fast_exp(self) -> Self {
        exp_f32(self)
    }
    #[inline(always)]
    fn fast_tanh(self) -> Self {
        1.0 - 2.0 / (1.0 + exp_f32(2.0 * self))
    }
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
    #[inline(always)]
    fn fast_exp(self) -> Self {
        self.exp()
    }
    #[inline(always)]
    fn fast_tanh(self) -> Self {
        self.tanh()
    }
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

/// Cephes' `expf`: `x = n ln 2 + r` (Cody–Waite reduction, `|r| ≤ ln 2 / 2`), `exp(r)` by a
/// degree-6 polynomial, `2ⁿ` by building the exponent bits. Rounding to the nearest integer uses
/// the 1.5·2²³ trick so that no libm call (`round`/`floor`) is needed on plain SSE2.
#[inline(always)]
fn exp_f32(x: f32) -> f32 {
    const LOG2E: f32 = std::f32::consts::LOG2_E;
    const SHIFT: f32 = 12_582_912.0; // 1.5 · 2²³
    const LN2_HI: f32 = 0.693_359_4;
    const LN2_LO: f32 = -2.121_944_4e-4;
    let x = x.clamp(-87.0, 88.0);
    // t's low mantissa bits hold round(x log2 e) as an integer; reading them as bits avoids a
    // float-to-int conversion, whose saturating semantics in Rust block vectorisation.
    let t = x * LOG2E + SHIFT;
    let n_int = t.to_bits().wrapping_sub(SHIFT.to_bits());
    let n = t - SHIFT;
    let r = x - n * LN2_HI - n * LN2_LO;
    let p = 1.987_569_1e-4_f32;
    let p = p * r + 1.398_199_9e-3;
    let p = p * r + 8.333_452e-3;
    let p = p * r + 4.166_579_6e-2;
    let p = p * r + 1.666_666_5e-1;
    let p = p * r + 0.5; // Cephes: 5.0000001201e-1, which rounds to 0.5 in f32.
    let e = p * r * r + r + 1.0;
    e * f32::from_bits(n_int.wrapping_add(127) << 23)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_exp_is_within_two_ulp_of_libm() {
        let mut worst = 0.0f64;
        let mut x = -87.0f32;
        while x < 88.0 {
            let (fast, exact) = (x.fast_exp() as f64, (x as f64).exp());
            worst = worst.max(((fast - exact) / exact).abs());
            x += 0.001_37;
        }
        assert!(worst < 2.0 * f32::EPSILON as f64, "worst relative error {worst:e}");
        assert_eq!(0.0f32.fast_exp(), 1.0);
        assert!((-1000.0f32).fast_exp() < 1e-37 && 1000.0f32.fast_exp().is_finite());
    }

    #[test]
    fn fast_tanh_is_close_to_libm_and_saturates() {
        let mut x = -12.0f32;
        while x < 12.0 {
            let err = (x.fast_tanh() as f64 - (x as f64).tanh()).abs();
            assert!(err < 3e-7, "tanh({x}) off by {err:e}");
            x += 0.000_73;
        }
        assert_eq!(100.0f32.fast_tanh(), 1.0);
        assert_eq!((-100.0f32).fast_tanh(), -1.0);
        assert_eq!(0.5f64.fast_tanh(), 0.5f64.tanh());
    }
}
