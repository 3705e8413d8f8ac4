//! Parameters and their gradients, visited by name.
//!
//! A model exposes its parameters through [`Parameterized`]: a visitor yields each tensor with
//! a dotted path (`"bottom.0.w"`), the same path its gradient has in the model's
//! [`ParamGrads`].
//! Optimisers, parameter files, `num_params` and freezing all pair tensors by that path.

use crate::Float;
use ndarray::{Array2, ArrayView2, ArrayViewD, ArrayViewMutD, Axis, Zip};

/// A gradient as seen by an optimiser: dense, or a list of row updates of a 2-D table.
#[derive(Debug, Clone)]
pub enum GradRef<'a, F> {
    /// Same shape as the parameter.
    Dense(ArrayViewD<'a, F>),
    /// Row `rows[i]` of the parameter receives `values.row(i)`; rows may repeat and then add.
    Sparse(&'a SparseRowGrad<F>),
}

/// A gradient to overwrite (receiving a gradient computed elsewhere, e.g. by another rank).
#[derive(Debug)]
pub enum GradMut<'a, F> {
    /// Same shape as the parameter.
    Dense(ArrayViewMutD<'a, F>),
    /// A sparse-row gradient, replaced whole.
    Sparse(&'a mut SparseRowGrad<F>),
}

/// The gradient of a `[n_rows, d]` table touched at a few rows (an embedding lookup).
///
/// Stored uncoalesced: one row of `values` per lookup, in lookup order.
/// Optimisers need not touch the rows that were not looked up.
#[derive(Debug, Clone, PartialEq)]
pub struct SparseRowGrad<F> {
    /// Number of rows of the full table.
    pub n_rows: usize,
    /// The table row of each value row.
    pub rows: Vec<usize>,
    /// `[rows.len(), d]`, one gradient row per lookup.
    pub values: Array2<F>,
}

impl<F: Float> SparseRowGrad<F> {
    /// An empty gradient for a `[n_rows, d]` table.
    pub fn empty(n_rows: usize, d: usize) -> Self {
        Self { n_rows, rows: Vec::new(), values: Array2::zeros((0, d)) }
    }

    /// Width of the table.
    pub fn d(&self) -> usize {
        self.values.ncols()
    }

    /// Appends the rows of `other` (the sum of two sparse gradients).
    ///
    /// # Panics
    /// If the tables differ in shape.
    #[track_caller]
    pub fn append(&mut self, other: &Self) {
        assert_eq!(
            (self.n_rows, self.d()),
            (other.n_rows, other.d()),
            "SparseRowGrad::append: table shapes differ"
        );
        self.rows.extend_from_slice(&other.rows);
        self.values.append(Axis(0), other.values.view()).expect("same width");
    }

    /// The sum per distinct row, rows ascending; ties are summed in lookup order, so the result
    /// does not depend on anything but the lookups.
    pub fn coalesce(&self) -> (Vec<usize>, Array2<F>) {
        let mut order: Vec<usize> = (0..self.rows.len()).collect();
        order.sort_by_key(|&i| (self.rows[i], i));
        let mut rows: Vec<usize> = Vec::new();
        let mut sums: Vec<F> = Vec::new();
        let d = self.d();
        for i in order {
            if rows.last() != Some(&self.rows[i]) {
                rows.push(self.rows[i]);
                sums.extend(std::iter::repeat_n(F::zero(), d));
            }
            let start = sums.len() - d;
            for (s, &v) in sums[start..].iter_mut().zip(self.values.row(i)) {
                *s += v;
            }
        }
        let n = rows.len();
        (rows, Array2::from_shape_vec((n, d), sums).expect("n * d values"))
    }

    /// Adds `scale` times this gradient into a dense `[n_rows, d]` table.
    ///
    /// # Panics
    /// If `dense` has another shape.
    #[track_caller]
    pub fn scatter_add_into(&self, scale: F, dense: &mut ndarray::ArrayViewMut2<'_, F>) {
        assert_eq!(dense.dim(), (self.n_rows, self.d()), "SparseRowGrad::scatter_add_into");
        for (&r, v) in self.rows.iter().zip(self.values.rows()) {
            Zip::from(dense.row_mut(r)).and(v).for_each(|d, &v| *d += scale * v);
        }
    }

    /// The dense `[n_rows, d]` gradient.
    pub fn to_dense(&self) -> Array2<F> {
        let mut dense = Array2::zeros((self.n_rows, self.d()));
        self.scatter_add_into(F::one(), &mut dense.view_mut());
        dense
    }

    /// A view of the value rows.
    pub fn values(&self) -> ArrayView2<'_, F> {
        self.values.view()
    }
}

/// Gradients of one model, with the same names and shapes as its parameters.
pub trait ParamGrads<F: Float>: Send + Sync {
    /// `self += other`, tensor by tensor (sums worker gradients).
    fn add_assign(&mut self, other: &Self);
    /// `self *= factor` (clipping, averaging).
    fn scale(&mut self, factor: F);
    /// Yields each gradient with its parameter path, in the order of the parameter visitor.
    fn visit<'a>(&'a self, v: &mut dyn FnMut(&str, GradRef<'a, F>));
    /// Yields each gradient mutably, in the order of [`ParamGrads::visit`].
    fn visit_mut<'a>(&'a mut self, v: &mut dyn FnMut(&str, GradMut<'a, F>));
}

/// Something that owns named parameters.
pub trait Parameterized<F: Float> {
    /// Gradient container mirroring the parameters.
    type Grads: ParamGrads<F>;
    /// A zero gradient (sparse parts empty).
    fn zero_grads(&self) -> Self::Grads;
    /// Yields each parameter with its dotted path.
    fn visit_params(&self, v: &mut dyn FnMut(&str, ArrayViewD<'_, F>));
    /// Yields each parameter mutably with its dotted path (optimisers, loading).
    fn visit_params_mut(&mut self, v: &mut dyn FnMut(&str, ArrayViewMutD<'_, F>));

    /// Total number of scalar parameters.
    fn num_params(&self) -> usize {
        let mut n = 0;
        self.visit_params(&mut |_, p| n += p.len());
        n
    }
}

/// `prefix.name`, the path of a child's tensor.
pub fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() { name.to_string() } else { format!("{prefix}.{name}") }
}

/// Gradients of a `Vec` of blocks: block `i`'s tensors are named `i.<name>`.
impl<F: Float, G: ParamGrads<F>> ParamGrads<F> for Vec<G> {
    fn add_assign(&mut self, other: &Self) {
        assert_eq!(self.len(), other.len(), "Vec<Grads>::add_assign: lengths differ");
        for (a, b) in self.iter_mut().zip(other) {
            a.add_assign(b);
        }
    }
    fn scale(&mut self, factor: F) {
        self.iter_mut().for_each(|g| g.scale(factor));
    }
    fn visit<'a>(&'a self, v: &mut dyn FnMut(&str, GradRef<'a, F>)) {
        for (i, g) in self.iter().enumerate() {
            g.visit(&mut |n, r| v(&join(&i.to_string(), n), r));
        }
    }
    fn visit_mut<'a>(&'a mut self, v: &mut dyn FnMut(&str, GradMut<'a, F>)) {
        for (i, g) in self.iter_mut().enumerate() {
            g.visit_mut(&mut |n, r| v(&join(&i.to_string(), n), r));
        }
    }
}

/// A `Vec` of blocks: block `i`'s tensors are named `i.<name>`.
impl<F: Float, P: Parameterized<F>> Parameterized<F> for Vec<P> {
    type Grads = Vec<P::Grads>;
    fn zero_grads(&self) -> Self::Grads {
        self.iter().map(|p| p.zero_grads()).collect()
    }
    fn visit_params(&self, v: &mut dyn FnMut(&str, ArrayViewD<'_, F>)) {
        for (i, p) in self.iter().enumerate() {
            p.visit_params(&mut |n, a| v(&join(&i.to_string(), n), a));
        }
    }
    fn visit_params_mut(&mut self, v: &mut dyn FnMut(&str, ArrayViewMutD<'_, F>)) {
        for (i, p) in self.iter_mut().enumerate() {
            p.visit_params_mut(&mut |n, a| v(&join(&i.to_string(), n), a));
        }
    }
}

/// Gradients of an optional block: nothing when absent.
impl<F: Float, G: ParamGrads<F>> ParamGrads<F> for Option<G> {
    fn add_assign(&mut self, other: &Self) {
        match (self, other) {
            (Some(a), Some(b)) => a.add_assign(b),
            (None, None) => {}
            _ => panic!("Option<Grads>::add_assign: one side is absent"),
        }
    }
    fn scale(&mut self, factor: F) {
        if let Some(g) = self {
            g.scale(factor);
        }
    }
    fn visit<'a>(&'a self, v: &mut dyn FnMut(&str, GradRef<'a, F>)) {
        if let Some(g) = self {
            g.visit(v);
        }
    }
    fn visit_mut<'a>(&'a mut self, v: &mut dyn FnMut(&str, GradMut<'a, F>)) {
        if let Some(g) = self {
            g.visit_mut(v);
        }
    }
}

/// An optional block (an ablation switch): its tensors keep their names when present.
impl<F: Float, P: Parameterized<F>> Parameterized<F> for Option<P> {
    type Grads = Option<P::Grads>;
    fn zero_grads(&self) -> Self::Grads {
        self.as_ref().map(P::zero_grads)
    }
    fn visit_params(&self, v: &mut dyn FnMut(&str, ArrayViewD<'_, F>)) {
        if let Some(p) = self {
            p.visit_params(v);
        }
    }
    fn visit_params_mut(&mut self, v: &mut dyn FnMut(&str, ArrayViewMutD<'_, F>)) {
        if let Some(p) = self {
            p.visit_params_mut(v);
        }
    }
}

/// Adds `b` into `a` elementwise; the helper behind every `ParamGrads::add_assign`.
///
/// # Panics
/// If the shapes differ.
#[track_caller]
pub fn add_into<F: Float, D: ndarray::Dimension>(
    a: &mut ndarray::Array<F, D>,
    b: &ndarray::Array<F, D>,
) {
    assert_eq!(a.shape(), b.shape(), "add_into: shapes differ");
    Zip::from(a).and(b).for_each(|a, &b| *a += b);
}

/// Declares a plain gradient struct of dense tensors with its [`ParamGrads`] impl.
///
/// Each field name is the tensor's name; the field order is the visiting order.
#[macro_export]
macro_rules! dense_grads {
    ($(#[$meta:meta])* $name:ident { $($(#[$fmeta:meta])* $field:ident : $ty:ty),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $name<F> {
            $($(#[$fmeta])* pub $field: $ty,)+
        }
        impl<F: $crate::Float> $crate::ParamGrads<F> for $name<F> {
            fn add_assign(&mut self, other: &Self) {
                $($crate::params::add_into(&mut self.$field, &other.$field);)+
            }
            fn scale(&mut self, factor: F) {
                $(self.$field.mapv_inplace(|v| v * factor);)+
            }
            fn visit<'a>(&'a self, v: &mut dyn FnMut(&str, $crate::GradRef<'a, F>)) {
                $(v(stringify!($field), $crate::GradRef::Dense(self.$field.view().into_dyn()));)+
            }
            fn visit_mut<'a>(&'a mut self, v: &mut dyn FnMut(&str, $crate::GradMut<'a, F>)) {
                $(v(stringify!($field), $crate::GradMut::Dense(self.$field.view_mut().into_dyn()));)+
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn coalesce_sums_repeated_rows_in_ascending_order() {
        let g = SparseRowGrad {
            n_rows: 5,
            rows: vec![3, 1, 3],
            values: array![[1.0, 2.0], [10.0, 20.0], [100.0, 200.0]],
        };
        let (rows, sums) = g.coalesce();
        assert_eq!(rows, vec![1, 3]);
        assert_eq!(sums, array![[10.0, 20.0], [101.0, 202.0]]);
        let dense = g.to_dense();
        assert_eq!(dense.row(3), array![101.0, 202.0]);
        assert_eq!(dense.row(0), array![0.0, 0.0]);
    }

    #[test]
    fn append_concatenates_lookups() {
        let mut a = SparseRowGrad { n_rows: 4, rows: vec![0], values: array![[1.0]] };
        let b = SparseRowGrad { n_rows: 4, rows: vec![0, 2], values: array![[2.0], [3.0]] };
        a.append(&b);
        assert_eq!(a.rows, vec![0, 0, 2]);
        assert_eq!(a.to_dense(), array![[3.0], [0.0], [3.0], [0.0]]);
    }
}
