//! The kernel against a naive `f64` reference, and its determinism: across row counts, thread
//! counts and kernels the same elements have the same bits.

use super::*;
use crate::init;
use crate::parallel::with_threads;
use crate::rng::seeded;
use ndarray::{Array2, ShapeBuilder};

fn random<F: Float>(shape: (usize, usize), seed: u64) -> Array2<F> {
    init::uniform(shape, F::one(), &mut seeded(seed))
}

/// `alpha · A · B + beta · C` in `f64`, one term at a time.
fn reference(
    alpha: f64,
    a: &Array2<f64>,
    b: &Array2<f64>,
    beta: f64,
    c: &Array2<f64>,
) -> Array2<f64> {
    Array2::from_shape_fn(c.dim(), |(i, j)| {
        let dot: f64 = (0..a.ncols()).map(|p| a[[i, p]] * b[[p, j]]).sum();
        alpha * dot + beta * c[[i, j]]
    })
}

fn to_f64<F: Float>(x: &Array2<F>) -> Array2<f64> {
    x.mapv(|v| v.to_f64().expect("finite"))
}

/// Shapes `(m, k, n)` around every tile, block and path boundary: 1, tile ± 1 for the tiles of
/// 4, 6 and 8 rows and 4, 8, 16 and 32 columns, depths around [`KC`], and the tiny/packed limit.
const SHAPES: [(usize, usize, usize); 15] = [
    (1, 1, 1),
    (1, 300, 70),
    (2, 20, 13),
    (3, 7, 5),
    (4, 33, 129),
    (5, 16, 33),
    (7, 255, 31),
    (9, 256, 17),
    (13, 257, 47),
    (23, 64, 65),
    (25, 513, 15),
    (48, 32, 96),
    (49, 100, 3),
    (97, 129, 33),
    (130, 40, 161),
];

/// Worst error of the kernel's `f32` and `f64` results against the reference, for every kernel
/// this CPU runs, `alpha`/`beta` pairs, and transposed, strided and non-standard operands.
#[test]
fn every_kernel_matches_the_reference_on_every_layout() -> Result<()> {
    for (s, &(m, k, n)) in SHAPES.iter().enumerate() {
        let seed = 10 * s as u64;
        let (a, b, c0) = (
            random::<f64>((m, k), seed),
            random::<f64>((k, n), seed + 1),
            random::<f64>((m, n), seed + 2),
        );
        for (alpha, beta) in [(1.0, 0.0), (1.0, 1.0), (-0.5, 2.0)] {
            let want = reference(alpha, &a, &b, beta, &c0);
            for kernel in Kernel::supported() {
                check_layouts::<f64>(kernel, alpha, &a, &b, beta, &c0, &want, 1e-13)?;
                check_layouts::<f32>(kernel, alpha, &a, &b, beta, &c0, &want, 1e-5)?;
            }
        }
    }
    Ok(())
}

/// Runs the product with A, B and C each plain, transposed-in-memory (Fortran order) and
/// strided (every other column of a wider array), and compares with `want`.
fn check_layouts<F: Float>(
    kernel: Kernel,
    alpha: f64,
    a: &Array2<f64>,
    b: &Array2<f64>,
    beta: f64,
    c0: &Array2<f64>,
    want: &Array2<f64>,
    tol: f64,
) -> Result<()> {
    let cast = |x: &Array2<f64>| x.mapv(F::from_f64);
    let (af, bf, cf) = (cast(a), cast(b), cast(c0));
    let fortran = |x: &Array2<F>| {
        let mut f = Array2::zeros(x.dim().f());
        f.assign(x);
        f
    };
    let wide = |x: &Array2<F>| {
        let mut w = Array2::zeros((x.nrows(), 2 * x.ncols()));
        w.slice_mut(s![.., ..;2]).assign(x);
        w
    };
    let (a_f, b_f, c_f) = (fortran(&af), fortran(&bf), fortran(&cf));
    let (a_w, b_w, mut c_w) = (wide(&af), wide(&bf), wide(&cf));
    let scale = a.ncols() as f64 * tol;
    let mut run = |a: ArrayView2<'_, F>, b: ArrayView2<'_, F>, layout: &str| -> Result<()> {
        for c_layout in ["standard", "fortran", "strided"] {
            let got = match c_layout {
                "standard" => {
                    let mut c = cf.clone();
                    gemm_with(kernel, F::from_f64(alpha), a, b, F::from_f64(beta), c.view_mut())?;
                    c
                }
                "fortran" => {
                    let mut c = c_f.clone();
                    gemm_with(kernel, F::from_f64(alpha), a, b, F::from_f64(beta), c.view_mut())?;
                    c.as_standard_layout().into_owned()
                }
                _ => {
                    let mut c = c_w.slice_mut(s![.., ..;2]);
                    c.assign(&cf);
                    gemm_with(kernel, F::from_f64(alpha), a, b, F::from_f64(beta), c.view_mut())?;
                    c.to_owned()
                }
            };
            let err = (to_f64(&got) - want).mapv(f64::abs).fold(0.0, |m: f64, &e| m.max(e));
            assert!(
                err <= scale,
                "{kernel} {}: {:?}·{:?}, a/b {layout}, c {c_layout}: error {err:e}",
                std::any::type_name::<F>(),
                a.dim(),
                b.dim()
            );
        }
        Ok(())
    };
    run(af.view(), bf.view(), "standard")?;
    run(a_f.view(), b_f.view(), "fortran")?;
    run(a_w.slice(s![.., ..;2]), b_w.slice(s![.., ..;2]), "strided")?;
    // A transpose read in place: (Aᵀ)ᵀ through a view of the transposed copy.
    let (at, bt) = (af.t().to_owned(), bf.t().to_owned());
    run(at.t(), bt.t(), "transposed views")
}

fn product<F: Float>(
    kernel: Kernel,
    a: ArrayView2<'_, F>,
    b: ArrayView2<'_, F>,
    c0: &Array2<F>,
) -> Result<Array2<F>> {
    let mut c = c0.clone();
    gemm_with(kernel, F::one(), a, b, F::one(), c.view_mut())?;
    Ok(c)
}

fn bits<F: Float>(x: ArrayView2<'_, F>) -> Vec<u64> {
    x.iter().map(|v| v.to_f64().expect("finite").to_bits()).collect()
}

/// Row `i` of an `m`-row product is the one-row product of row `i`, for every `m` in 1..=512,
/// with depths across two blocks: the tiny path, the packed path, every tile edge.
#[test]
fn rows_do_not_depend_on_the_row_count() -> Result<()> {
    let (k, n) = (KC + 44, 40);
    let (a, b) = (random::<f32>((512, k), 1), random::<f32>((k, n), 2));
    let c0 = random::<f32>((512, n), 3);
    let kernel = Kernel::detect();
    let full = product(kernel, a.view(), b.view(), &c0)?;
    for m in 1..=512 {
        let part =
            product(kernel, a.slice(s![..m, ..]), b.view(), &c0.slice(s![..m, ..]).to_owned())?;
        assert_eq!(bits(part.view()), bits(full.slice(s![..m, ..])), "{m} rows");
    }
    for kernel in Kernel::supported() {
        let full = product(kernel, a.view(), b.view(), &c0)?;
        for i in [0, 1, 7, 8, 23, 24, 255, 511] {
            let row = product(
                kernel,
                a.slice(s![i..i + 1, ..]),
                b.view(),
                &c0.slice(s![i..i + 1, ..]).to_owned(),
            )?;
            assert_eq!(bits(row.view()), bits(full.slice(s![i..i + 1, ..])), "{kernel}, row {i}");
        }
    }
    Ok(())
}

/// A product large enough to be split across threads gives the same bits on 1, 2 and 4.
#[test]
fn threads_do_not_change_the_bits() -> Result<()> {
    let (m, k, n) = (4 * MIN_TASK_ROWS + 30, 300, 40);
    assert!(m * k * n >= PARALLEL_MACS);
    let (a, b, c0) = (random::<f32>((m, k), 4), random::<f32>((k, n), 5), random::<f32>((m, n), 6));
    for kernel in Kernel::supported() {
        let one = with_threads(1, || product(kernel, a.view(), b.view(), &c0))?;
        for threads in [2, 4] {
            let many = with_threads(threads, || product(kernel, a.view(), b.view(), &c0))?;
            assert_eq!(bits(many.view()), bits(one.view()), "{kernel}, {threads} threads");
        }
    }
    Ok(())
}

/// Every kernel this CPU runs gives the generic kernel's bits, `f32` and `f64`, on the tiny
/// path, the packed path, depths over several blocks, transposed operands and `beta ≠ 1`.
#[test]
fn every_kernel_gives_the_generic_bits() -> Result<()> {
    fn same<F: Float>(m: usize, k: usize, n: usize, seed: u64) -> Result<()> {
        let (a, b, c0) = (
            random::<F>((m, k), seed),
            random::<F>((n, k), seed + 1),
            random::<F>((m, n), seed + 2),
        );
        let beta = F::from_f64(0.75);
        let run = |kernel| -> Result<Array2<F>> {
            let mut c = c0.clone();
            gemm_with(kernel, F::from_f64(-1.5), a.view(), b.t(), beta, c.view_mut())?;
            Ok(c)
        };
        let generic = run(Kernel::Generic)?;
        for kernel in Kernel::supported() {
            assert_eq!(bits(run(kernel)?.view()), bits(generic.view()), "{kernel} on {m}×{k}×{n}");
        }
        Ok(())
    }
    for (s, (m, k, n)) in [(3, 32, 3), (1, 64, 4161), (96, 600, 70), (37, 144, 256), (256, 64, 33)]
        .into_iter()
        .enumerate()
    {
        same::<f32>(m, k, n, 100 + s as u64)?;
        same::<f64>(m, k, n, 200 + s as u64)?;
    }
    Ok(())
}

#[test]
fn kernel_names_are_parsed_and_checked() {
    assert_eq!("generic".parse::<Kernel>().ok(), Some(Kernel::Generic));
    let err = "avx9".parse::<Kernel>().map(|_| ()).unwrap_err().to_string();
    assert_eq!(
        err,
        "matrix kernel `avx9` is unknown (DEEPPRL_KERNEL takes generic, avx2 or avx512)"
    );
    for kernel in Kernel::ALL {
        let parsed = kernel.name().parse::<Kernel>();
        assert_eq!(parsed.is_ok(), kernel.is_supported(), "{kernel}: {parsed:?}");
        if let Err(e) = parsed {
            assert!(e.to_string().contains("cannot run on this CPU"), "{e}");
        }
    }
    assert!(Kernel::detect().is_supported());
    assert_eq!(Kernel::supported().first(), Some(&Kernel::Generic));
}

#[test]
fn empty_products_scale_c_only() -> Result<()> {
    let (a, b) = (Array2::<f32>::zeros((2, 0)), Array2::<f32>::zeros((0, 3)));
    let mut c = Array2::from_elem((2, 3), 4.0f32);
    gemm_with(Kernel::Generic, 1.0, a.view(), b.view(), 0.5, c.view_mut())?;
    assert_eq!(c, Array2::from_elem((2, 3), 2.0));
    c.fill(f32::NAN);
    gemm_with(Kernel::Generic, 1.0, a.view(), b.view(), 0.0, c.view_mut())?;
    assert_eq!(c, Array2::zeros((2, 3)), "beta = 0 overwrites whatever c held");
    Ok(())
}

/// `gemm_many` is bit for bit one `gemm` per product, on the tiny and the packed path, with
/// shared and distinct `B`s and every `alpha`/`beta` kind.
#[test]
fn many_products_are_bit_for_bit_one_gemm_each() {
    for &(m, k, n) in &SHAPES {
        let count = 5;
        let a = random::<f32>((count * m, k), 7 * m as u64);
        let b = random::<f32>((3 * k, n), 7 * n as u64 + 1);
        let c0 = random::<f32>((count * m, n), 7 * k as u64 + 2);
        // Products 0, 3 share `B_0`; the others take `B_1` or `B_2`.
        let b_of = |i: usize| [0, 1, 2, 0, 1][i];
        for (alpha, beta) in [(1.0, 0.0), (0.5, 1.0), (-2.0, 0.25)] {
            let mut want = c0.clone();
            for i in 0..count {
                let rows = s![i * m..(i + 1) * m, ..];
                let bi = b.slice(s![b_of(i) * k..(b_of(i) + 1) * k, ..]);
                gemm(alpha, a.slice(rows), bi, beta, want.slice_mut(rows));
            }
            let mut got = c0.clone();
            gemm_many(
                alpha,
                a.as_slice().unwrap(),
                b.as_slice().unwrap(),
                |i| (i * m * k, b_of(i) * k * n),
                beta,
                got.as_slice_mut().unwrap(),
                (m, k, n),
            );
            assert_eq!(got, want, "({m}, {k}, {n}), alpha {alpha}, beta {beta}");
        }
    }
}

#[test]
fn many_products_reject_an_output_that_is_not_whole_products() {
    let caught = std::panic::catch_unwind(|| {
        let mut c = vec![0.0f32; 7];
        gemm_many(1.0, &[0.0; 6], &[0.0; 6], |i| (i * 6, 0), 0.0, &mut c, (2, 3, 2));
    });
    assert!(caught.is_err());
}
