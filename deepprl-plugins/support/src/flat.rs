//! The flat layout of a predictor batch at the plugin boundary, as `deepprl_plugin_abi::layout`
//! defines it (ABI 1.2): between a [`Batch`] and `x`, `[batch, n_cat + n_num + L · (K + 3)]`.
//!
//! `x = [categorical ids as f32 | numeric features | history]`, in the column order of the
//! [`Schema`]; the history (only when the schema's `history_len` L is above 0) is L item ids,
//! L · K outcomes (step-major), L intervals δ and L mask values (0/1).
//! Targets are the labels `[batch, K]`.
//! Ids are exact in `f32` below 2²⁴, so a schema with a larger cardinality cannot cross
//! ([`check_schema`]). With `history_len = 0` the layout is that of ABI 1.1.
//!
//! ```
//! use deepprl_models::testing::{random_batch, tiny_schema};
//! use deepprl_plugin_support::flat;
//! let schema = tiny_schema(2, 3); // 4 id fields, 2 numeric features, K = 2, L = 3
//! let batch = random_batch(&schema, 5, &mut deepprl_core::rng::seeded(0));
//! let x = flat::flatten(&batch);
//! assert_eq!(x.dim(), (5, 4 + 2 + 3 * (2 + 3)));
//! let back = flat::unflatten(&schema, x.view(), Some(batch.labels.view())).unwrap();
//! assert_eq!(back, batch);
//! ```

use deepprl_models::{Batch, FieldRole, History, Schema};
use deepprl_plugin_abi::FlatLayout;
pub use deepprl_plugin_abi::MAX_EXACT_ID;
use ndarray::{Array2, ArrayView2, s};

/// The column layout of `x` for `schema`.
pub fn layout(schema: &Schema) -> FlatLayout {
    FlatLayout {
        n_ids: schema.cat_fields.len(),
        n_numeric: schema.n_numeric,
        history_len: schema.history_len,
        n_objectives: schema.n_objectives(),
    }
}

/// Width of `x` for `schema`.
pub fn width(schema: &Schema) -> usize {
    layout(schema).width()
}

/// Checks that every id of `schema` is exact in `f32`, and that a schema with histories has an
/// item field (the vocabulary of the history's items).
///
/// # Errors
/// Names the first field whose cardinality exceeds [`MAX_EXACT_ID`], or the missing item field.
pub fn check_schema(schema: &Schema) -> Result<(), String> {
    if let Some(f) = schema.cat_fields.iter().find(|f| f.cardinality > MAX_EXACT_ID) {
        return Err(format!(
            "field `{}` has cardinality {}, above 2^24 ids cannot cross the plugin boundary as f32",
            f.name, f.cardinality
        ));
    }
    if schema.history_len > 0 && schema.field(FieldRole::Item).is_none() {
        return Err(format!(
            "the schema has histories of length {} but no `item` field for their ids",
            schema.history_len
        ));
    }
    Ok(())
}

/// `x` of a batch: ids as `f32`, the numeric features, then the history's columns if it has
/// one (item ids as `f32`, outcomes step-major, δ, the mask as 0/1).
///
/// # Panics
/// If the history's arrays disagree with each other or with the labels in shape; a batch that
/// passes [`Batch::check`] never does.
pub fn flatten(batch: &Batch) -> Array2<f32> {
    let layout = FlatLayout {
        n_ids: batch.cat.ncols(),
        n_numeric: batch.num.ncols(),
        history_len: batch.history.as_ref().map_or(0, |h| h.item.ncols()),
        n_objectives: batch.labels.ncols(),
    };
    let n = batch.len();
    let mut x = Array2::zeros((n, layout.width()));
    x.slice_mut(s![.., layout.ids()]).assign(&batch.cat.mapv(|id| id as f32));
    x.slice_mut(s![.., layout.numeric()]).assign(&batch.num);
    if let Some(h) = &batch.history {
        let outcomes = h
            .outcome
            .to_shape((n, layout.history_outcomes().len()))
            .expect("flatten: history outcomes are [batch, L, K]");
        x.slice_mut(s![.., layout.history_items()]).assign(&h.item.mapv(|id| id as f32));
        x.slice_mut(s![.., layout.history_outcomes()]).assign(&outcomes);
        x.slice_mut(s![.., layout.history_delta()]).assign(&h.delta);
        x.slice_mut(s![.., layout.history_mask()]).assign(&h.mask.mapv(|m| f32::from(u8::from(m))));
    }
    x
}

/// `v` as an id below `cardinality`, if it is one.
fn as_id(v: f32, cardinality: usize) -> Option<usize> {
    // `v as usize` truncates (and saturates); equal back means a whole number. This avoids
    // `f32::fract`, a libm call on baseline x86-64.
    let id = v as usize;
    (v >= 0.0 && id as f32 == v && id < cardinality).then_some(id)
}

/// The batch of `x` for `schema`, with `labels` (zeros when `None`) and, when the schema has
/// histories, the history of its history columns.
///
/// # Errors
/// If `x` has the wrong width, an id (of a field or of a history item) is not an integer in
/// `0..cardinality`, or a mask value is neither 0 nor 1.
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
            let Some(id) = as_id(v, field.cardinality) else {
                return Err(format!(
                    "row {b}: field `{}` has id {v}, want an integer in 0..{}",
                    field.name, field.cardinality
                ));
            };
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
    let history = if schema.history_len > 0 { Some(history(schema, x)?) } else { None };
    Ok(Batch { cat, num, history, labels })
}

/// The history columns of `x` (of the right width) for a schema with histories.
fn history(schema: &Schema, x: ArrayView2<'_, f32>) -> Result<History, String> {
    let layout = layout(schema);
    let (n, l, k) = (x.nrows(), layout.history_len, layout.n_objectives);
    let field = schema
        .field(FieldRole::Item)
        .map(|j| &schema.cat_fields[j])
        .ok_or("the schema has histories but no `item` field for their ids")?;
    let items = x.slice(s![.., layout.history_items()]);
    let mut item = Array2::zeros((n, l));
    for ((b, t), &v) in items.indexed_iter() {
        item[[b, t]] = as_id(v, field.cardinality).ok_or_else(|| {
            format!(
                "row {b}: history step {t} has item id {v}, want an integer in 0..{} (field `{}`)",
                field.cardinality, field.name
            )
        })?;
    }
    let mask_columns = x.slice(s![.., layout.history_mask()]);
    let mut mask = Array2::from_elem((n, l), false);
    for ((b, t), &v) in mask_columns.indexed_iter() {
        mask[[b, t]] = match v {
            0.0 => false,
            1.0 => true,
            _ => return Err(format!("row {b}: history step {t} has mask {v}, want 0 or 1")),
        };
    }
    let outcome = x
        .slice(s![.., layout.history_outcomes()])
        .to_owned()
        .into_shape_with_order((n, l, k))
        .expect("n * L * K outcome columns");
    let delta = x.slice(s![.., layout.history_delta()]).to_owned();
    Ok(History { item, outcome, delta, mask })
}

#[cfg(test)]
mod tests {
    use super::*;
    use deepprl_core::rng::seeded;
    use deepprl_models::testing::{random_batch, tiny_schema};
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

    #[test]
    fn without_histories_the_layout_is_that_of_abi_1_1() {
        let schema = tiny_schema(2, 0);
        let batch = random_batch(&schema, 3, &mut seeded(0));
        let x = flatten(&batch);
        let old = ndarray::concatenate![ndarray::Axis(1), batch.cat.mapv(|v| v as f32), batch.num];
        assert_eq!(x, old);
        assert_eq!(unflatten(&schema, x.view(), Some(batch.labels.view())).unwrap(), batch);
    }

    #[test]
    fn history_columns_are_items_outcomes_delta_and_mask() {
        // L = 2, K = 2: one padded step then a real one.
        let schema = tiny_schema(0, 2);
        let x = array![[
            1.0, 2.0, 0.0, 3.0, // ids
            0.0, 5.0, // items
            0.0, 0.0, 1.0, 0.25, // outcomes, step-major
            0.0, 0.5, // delta
            0.0, 1.0, // mask
        ]];
        let batch = unflatten(&schema, x.view(), None).unwrap();
        let h = batch.history.as_ref().expect("a history");
        assert_eq!(h.item, array![[0, 5]]);
        assert_eq!(h.outcome, array![[[0.0, 0.0], [1.0, 0.25]]]);
        assert_eq!(h.delta, array![[0.0, 0.5]]);
        assert_eq!(h.mask, array![[false, true]]);
        assert_eq!(flatten(&batch), x);
        let schema = tiny_schema(1, 4);
        let batch = random_batch(&schema, 7, &mut seeded(1));
        assert_eq!(
            unflatten(&schema, flatten(&batch).view(), Some(batch.labels.view())),
            Ok(batch)
        );
    }

    #[test]
    fn bad_history_columns_are_errors() {
        let schema = tiny_schema(0, 2);
        let row = [1.0, 2.0, 0.0, 3.0, 0.0, 5.0, 0.0, 0.0, 1.0, 0.25, 0.0, 0.5, 0.0, 1.0];
        let with = |col: usize, v: f32| {
            let mut r = row;
            r[col] = v;
            Array2::from_shape_vec((1, r.len()), r.to_vec()).unwrap()
        };
        for (col, v, why) in [
            (5, 7.0, "row 0: history step 1 has item id 7, want an integer in 0..7 (field `item`)"),
            (4, 0.5, "history step 0 has item id 0.5"),
            (4, -1.0, "history step 0 has item id -1"),
            (12, 0.5, "row 0: history step 0 has mask 0.5, want 0 or 1"),
            (13, f32::NAN, "history step 1 has mask NaN"),
        ] {
            let err = unflatten(&schema, with(col, v).view(), None).unwrap_err();
            assert!(err.contains(why), "{err}");
        }
        let err = unflatten(&schema, array![[1.0, 2.0, 0.0, 3.0]].view(), None).unwrap_err();
        assert_eq!(err, "x has 4 columns, the schema needs 14");
        let mut no_item = schema.clone();
        no_item.cat_fields.remove(1);
        let err = check_schema(&no_item).unwrap_err();
        assert!(err.contains("histories of length 2 but no `item` field"), "{err}");
        let err = unflatten(&no_item, array![[0.0; 13]].view(), None).unwrap_err();
        assert!(err.contains("no `item` field"), "{err}");
    }
}
