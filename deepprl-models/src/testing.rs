//! Small random schemas and batches for tests (feature `testing`).

use crate::batch::{Batch, CatField, FieldRole, History, ObjectiveKind, Schema};
use ndarray::{Array2, Array3};
use ndarray_rand::rand::Rng;

/// A schema with user, item, one item side field, one context field, `n_numeric` numeric
/// features, a binary and a continuous objective, and histories of length `history_len`.
pub fn tiny_schema(n_numeric: usize, history_len: usize) -> Schema {
    let field = |name: &str, role, cardinality| CatField { name: name.into(), role, cardinality };
    Schema {
        cat_fields: vec![
            field("user", FieldRole::User, 6),
            field("item", FieldRole::Item, 7),
            field("topic", FieldRole::ItemSide, 3),
            field("hour", FieldRole::Context, 4),
        ],
        n_numeric,
        objectives: vec![
            ("click".into(), ObjectiveKind::Binary),
            ("watch".into(), ObjectiveKind::Continuous),
        ],
        history_len,
    }
}

/// A random batch following `schema`; binary labels are 0/1, histories are left-padded with
/// random lengths (some empty).
pub fn random_batch(schema: &Schema, n: usize, rng: &mut impl Rng) -> Batch {
    let cat = Array2::from_shape_fn((n, schema.cat_fields.len()), |(_, j)| {
        rng.random_range(0..schema.cat_fields[j].cardinality)
    });
    let num = Array2::from_shape_fn((n, schema.n_numeric), |_| rng.random_range(-1.0..1.0));
    let kinds = schema.kinds();
    let labels = Array2::from_shape_fn((n, kinds.len()), |(_, k)| match kinds[k] {
        ObjectiveKind::Binary => f32::from(u8::from(rng.random_bool(0.5))),
        ObjectiveKind::Continuous => rng.random_range(0.0..2.0),
    });
    let l = schema.history_len;
    let history = (l > 0).then(|| {
        let item_card =
            schema.field(FieldRole::Item).map_or(1, |j| schema.cat_fields[j].cardinality);
        let lens: Vec<usize> = (0..n).map(|_| rng.random_range(0..=l)).collect();
        let mask = Array2::from_shape_fn((n, l), |(b, t)| t >= l - lens[b]);
        History {
            item: Array2::from_shape_fn((n, l), |(b, t)| {
                if mask[[b, t]] { rng.random_range(1..item_card) } else { 0 }
            }),
            outcome: Array3::from_shape_fn((n, l, kinds.len()), |(b, t, _)| {
                if mask[[b, t]] { rng.random_range(0.0..1.0) } else { 0.0 }
            }),
            delta: Array2::from_shape_fn((n, l), |(b, t)| {
                if mask[[b, t]] { rng.random_range(0.0..3.0) } else { 0.0 }
            }),
            mask,
        }
    });
    Batch { cat, num, history, labels }
}

/// A random batch of requests as the simulator scores them: row `r` is a candidate of request
/// `runs[r]` (non-decreasing), and the candidates of one request share the user's history,
/// user and context fields; their items and other fields differ. Every request's history has
/// a real step (with random outcomes), so consecutive requests' histories differ.
pub fn request_batch(schema: &Schema, runs: &[usize], rng: &mut impl Rng) -> Batch {
    let n_requests = runs.last().map_or(0, |&r| r + 1);
    let mut requests = random_batch(schema, n_requests, rng);
    if let Some(h) = requests.history.as_mut() {
        let last = schema.history_len - 1;
        for b in 0..n_requests {
            if !h.mask[[b, last]] {
                h.mask[[b, last]] = true;
                h.item[[b, last]] = 1;
                h.delta[[b, last]] = rng.random_range(0.0..3.0);
                h.outcome.slice_mut(ndarray::s![b, last, ..]).fill(rng.random_range(0.0..1.0));
            }
        }
    }
    let mut batch = random_batch(schema, runs.len(), rng);
    batch.history = requests.history.as_ref().map(|h| h.select(runs));
    for (j, f) in schema.cat_fields.iter().enumerate() {
        if matches!(f.role, FieldRole::User | FieldRole::Context) {
            for (r, &run) in runs.iter().enumerate() {
                batch.cat[[r, j]] = requests.cat[[run, j]];
            }
        }
    }
    batch
}
