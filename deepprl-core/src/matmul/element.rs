//! The float types the kernel handles, with their SIMD operations and packing buffers.

use pulp::Simd;
use std::cell::RefCell;

/// A float type the matrix kernel handles (`f32` and `f64`, a supertrait of [`crate::Float`]):
/// its SIMD vector under each instruction set `S`, the fused multiply-add on it, and the
/// kernel's reusable per-thread packing buffers.
pub trait Element: Copy + Send + Sync + 'static {
    /// The SIMD vector of this type under instruction set `S` (a single value for the scalar
    /// kernel).
    type V<S: Simd>: Copy;

    /// Lanes of [`Element::V`] under `S`.
    fn lanes<S: Simd>() -> usize;
    /// Every lane set to `x`.
    fn splat<S: Simd>(simd: S, x: Self) -> Self::V<S>;
    /// `a · b + c` in every lane, rounded once (a fused multiply-add).
    fn fma<S: Simd>(simd: S, a: Self::V<S>, b: Self::V<S>, c: Self::V<S>) -> Self::V<S>;
    /// `x` as whole vectors and the remaining tail.
    fn vectors<S: Simd>(x: &[Self]) -> (&[Self::V<S>], &[Self]);
    /// `x` as whole mutable vectors and the remaining tail.
    fn vectors_mut<S: Simd>(x: &mut [Self]) -> (&mut [Self::V<S>], &mut [Self]);
    /// Runs `f` with this thread's two packing buffers (for `A` and for `B`), reused across
    /// calls so that a product allocates nothing once the buffers have grown; a nested call on
    /// the same thread gets fresh buffers.
    fn with_pack_buffers<R>(f: impl FnOnce(&mut Vec<Self>, &mut Vec<Self>) -> R) -> R;
}

/// The per-thread buffers of one element type.
type Buffers<T> = RefCell<(Vec<T>, Vec<T>)>;

thread_local! {
    static PACK_F32: Buffers<f32> = const { RefCell::new((Vec::new(), Vec::new())) };
    static PACK_F64: Buffers<f64> = const { RefCell::new((Vec::new(), Vec::new())) };
}

fn with_buffers<T, R>(
    key: &'static std::thread::LocalKey<Buffers<T>>,
    f: impl FnOnce(&mut Vec<T>, &mut Vec<T>) -> R,
) -> R {
    key.with(|cell| match cell.try_borrow_mut() {
        Ok(mut buffers) => {
            let (a, b) = &mut *buffers;
            f(a, b)
        }
        Err(_) => f(&mut Vec::new(), &mut Vec::new()),
    })
}

macro_rules! element {
    ($t:ty, $v:ident, $lanes:ident, $splat:ident, $fma:ident, $as:ident, $as_mut:ident, $key:ident) => {
        impl Element for $t {
            type V<S: Simd> = S::$v;

            #[inline(always)]
            fn lanes<S: Simd>() -> usize {
                S::$lanes
            }
            #[inline(always)]
            fn splat<S: Simd>(simd: S, x: Self) -> Self::V<S> {
                simd.$splat(x)
            }
            #[inline(always)]
            fn fma<S: Simd>(simd: S, a: Self::V<S>, b: Self::V<S>, c: Self::V<S>) -> Self::V<S> {
                simd.$fma(a, b, c)
            }
            #[inline(always)]
            fn vectors<S: Simd>(x: &[Self]) -> (&[Self::V<S>], &[Self]) {
                S::$as(x)
            }
            #[inline(always)]
            fn vectors_mut<S: Simd>(x: &mut [Self]) -> (&mut [Self::V<S>], &mut [Self]) {
                S::$as_mut(x)
            }
            fn with_pack_buffers<R>(f: impl FnOnce(&mut Vec<Self>, &mut Vec<Self>) -> R) -> R {
                with_buffers(&$key, f)
            }
        }
    };
}

element!(f32, f32s, F32_LANES, splat_f32s, mul_add_f32s, as_simd_f32s, as_mut_simd_f32s, PACK_F32);
element!(f64, f64s, F64_LANES, splat_f64s, mul_add_f64s, as_simd_f64s, as_mut_simd_f64s, PACK_F64);
