//! The flat layout of a predictor batch at the plugin boundary, as `deepprl_plugin_abi::layout`
//! defines it (ABI 1.1): between a [`Batch`] and `x`, `[batch, n_cat + n_num]`.
//!
//! `x = [categorical ids as f32 | numeric features]`, in the column order of the [`Schema`];
//! targets are the labels `[batch, K]`.
//! Ids are exact in `f32` below 2²⁴, so a schema with a larger cardinality cannot cross
//! ([`check_schema`]). Histories are not passed: the plugin baselines are feature-based.
//!
//! ```
//! use deepprl_models::testing::{random_batch, tiny_schema};
//! use deepprl_plugin_support::flat;
//! let schema = tiny_schema(2, 0);
//! let batch = random_batch(&schema, 5, &mut deepprl_core::rng::seeded(0));
//! let x = flat::flatten(&batch);
//! assert_eq!(x.dim(), (5, 4 + 2));
//! let back = flat::unflatten(&schema, x.view(), Some(batch.labels.view())).unwrap();
//! assert_eq!(back, batch);
//! ```

use deepprl_models::{Batch, Schema};
use deepprl_plugin_abi::FlatLayout;
pub use deepprl_plugin_abi::MAX_EXACT_ID;
use ndarray::{Array2, ArrayView2, s};

/// The column layout of `x` for `schema`.
pub fn layout(schema: &Schema) -> FlatLayout {
    FlatLayout { n_ids: schema.cat_fields.len(), n_numeric: schema.n_numeric }
}

/// Width of `x` for `schema`.
pub fn width(schema: &Schema) -> usize {
    layout(schema).width()
}

/// Checks that every id of `schema` is exact in `f32`.
///
/// # Errors
/// Names the first field whose cardinality exceeds [`MAX_EXACT_ID`].
pub fn check_schema(schema: &Schema) -> Result<(), String> {
    match schema.cat_fields.iter().find(|f| f.cardinality > MAX_EXACT_ID) {
        Some(f) => Err(format!(
            "field `{}` has cardinality {}, above 2^24 ids cannot cross the plugin boundary as f32",
            f.name, f.cardinality
        )),
        None => Ok(()),
    }
}

/// `x` of a batch (ids as `f32`, then the numeric features); histories are dropped.
pub fn flatten(batch: &Batch) -> Array2<f32> {
    let layout = FlatLayout { n_ids: batch.cat.ncols(), n_numeric: batch.num.ncols() };
    let mut x = Array2::zeros((batch.len(), layout.width()));
    x.slice_mut(s![.., layout.ids()]).assign(&batch.cat.mapv(|id| id as f32));
    x.slice_mut(s![.., layout.numeric()]).assign(&batch.num);
    x
}

/// The batch of `x` for `schema`, with `labels` (zeros when `None`) and no history.
///
/// # Errors
/// If `x` has the wrong width, or an id is not an integer in `0..cardinality`.
pub fn unflatten(
    schema: &Schema,
    x: ArrayView2<'_, f32>,
    labels: Option<ArrayView2<'_, f32>>,
) -> Result<Batch, String> {
    let (n, n_cat) = (x.nrows(), schema.cat_fields.len());
    if x.ncols() != width(schema) {
        return Err(format!("x has {} columns, the schema needs {}", x.ncols(), width(schema)));
    }
    let mut ids = Vec::with_capacity(n * n_cat);
    for (b, row) in x.rows().into_iter().enumerate() {
        for (field, &v) in schema.cat_fields.iter().zip(row) {
            // `v as usize` truncates (and saturates); equal back means a whole number. This avoids
            // `f32::fract`, a libm call on baseline x86-64.
            let id = v as usize;
            if !(v >= 0.0 && id as f32 == v && id < field.cardinality) {
                return Err(format!(
                    "row {b}: field `{}` has id {v}, want an integer in 0..{}",
                    field.name, field.cardinality
                ));
            }
            ids.push(id);
        }
    }
    let cat = Array2::from_shape_vec((n, n_cat), ids).expect("n * n_cat ids");
    let k = schema.n_objectives();
    let labels = match labels {
        Some(l) if l.dim() == (n, k) => l.to_owned(),
        Some(l) => return Err(format!("targets are {:?}, want ({n}, {k})", l.dim())),
        None => Array2::zeros((n, k)),
    };
    let num = x.slice(s![.., layout(schema).numeric()]).to_owned();
    Ok(Batch { cat, num, history: None, labels })
}

#[cfg(test)]
mod tests {
    use super::*;
    use deepprl_models::testing::tiny_schema;
    use ndarray::array;

    #[test]
    fn bad_ids_and_widths_are_errors() {
        let schema = tiny_schema(1, 0);
        let ok = array![[1.0, 2.0, 0.0, 3.0, 0.5]];
        assert!(unflatten(&schema, ok.view(), None).is_ok());
        for (bad, why) in [
            (array![[1.5, 2.0, 0.0, 3.0, 0.5]], "id 1.5"),
            (array![[1.0, 7.0, 0.0, 3.0, 0.5]], "field `item` has id 7"),
            (array![[-1.0, 2.0, 0.0, 3.0, 0.5]], "id -1"),
            (array![[f32::NAN, 2.0, 0.0, 3.0, 0.5]], "id NaN"),
        ] {
            let err = unflatten(&schema, bad.view(), None).unwrap_err();
            assert!(err.contains(why), "{err}");
        }
        let err = unflatten(&schema, array![[1.0]].view(), None).unwrap_err();
        assert_eq!(err, "x has 1 columns, the schema needs 5");
        let mut huge = schema.clone();
        huge.cat_fields[0].cardinality = MAX_EXACT_ID + 1;
        assert!(check_schema(&huge).unwrap_err().contains("`user`"));
    }
}
