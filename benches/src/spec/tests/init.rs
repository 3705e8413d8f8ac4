//! Parameter counts, initial sums, loading by name and FLOP accounting against the spec's table.

use crate::spec::load::{LoadError, load};
use crate::spec::reference::{self, WorkloadReference};
use crate::spec::{Dims, HyperNet, Lstm, Mmoe, ParamSpec, SharedBottom, Workload};
use approx::assert_abs_diff_eq;

fn check<W: Workload<f32>>() -> anyhow::Result<()> {
    let r: &WorkloadReference =
        reference::workload(W::NAME).ok_or_else(|| anyhow::anyhow!("no reference"))?;
    let dims = Dims::SPEC;
    let model = W::init(&dims)?;
    assert_eq!(model.num_params(), r.n_params, "{}", W::NAME);
    let specs = W::param_specs(&dims);
    assert_eq!(specs.iter().map(ParamSpec::len).sum::<usize>(), r.n_params, "{}", W::NAME);
    let mut sum = 0.0;
    model.visit_params(&mut |_, p| sum += p.iter().map(|&v| f64::from(v)).sum::<f64>());
    // The reference is printed with 6 decimals: allow half a unit of the last one, plus slack.
    assert_abs_diff_eq!(sum, r.param_sum, epsilon = 1e-6);
    assert_eq!(W::flop_per_step(&dims), r.flop_per_step, "{}", W::NAME);
    Ok(())
}

#[test]
fn sb_parameters_match_the_spec() -> anyhow::Result<()> {
    check::<SharedBottom<f32>>()
}

#[test]
fn mmoe_parameters_match_the_spec() -> anyhow::Result<()> {
    check::<Mmoe<f32>>()
}

#[test]
fn hn_parameters_match_the_spec() -> anyhow::Result<()> {
    check::<HyperNet<f32>>()
}

#[test]
fn lstm_parameters_match_the_spec() -> anyhow::Result<()> {
    check::<Lstm<f32>>()
}

/// The spec tensors of SPEC v1's parameter lists, by name, in order, with their shapes.
#[test]
fn spec_tensors_are_listed_in_the_spec_order() {
    let dims = Dims::SPEC;
    let names = |specs: Vec<ParamSpec>| specs.into_iter().map(|s| s.name).collect::<Vec<_>>();
    let emb: Vec<String> = (0..8).map(|f| format!("E_{f}")).collect();
    let tower = |k: usize| ["T1", "c1", "T2", "c2"].map(|n| format!("{n}_{k}"));
    let mut sb = emb.clone();
    sb.extend(["W1", "b1", "W2", "b2"].map(String::from));
    sb.extend((0..3).flat_map(tower));
    assert_eq!(names(SharedBottom::<f32>::param_specs(&dims)), sb);
    let mut mmoe = emb.clone();
    mmoe.extend((0..4).flat_map(|e| ["W1", "b1", "W2", "b2"].map(|n| format!("{n}_{e}"))));
    mmoe.extend((0..3).flat_map(|k| [format!("G_{k}"), format!("g_{k}")]));
    mmoe.extend((0..3).flat_map(tower));
    assert_eq!(names(Mmoe::<f32>::param_specs(&dims)), mmoe);
    let mut hn = emb;
    hn.extend(["W1", "b1", "W2", "b2"].map(String::from));
    hn.extend((0..3).flat_map(|k| ["H1", "hb1", "H2", "hb2"].map(|n| format!("{n}_{k}"))));
    hn.extend(["Wq", "Wk"].map(String::from));
    let hn_specs = HyperNet::<f32>::param_specs(&dims);
    assert_eq!(
        hn_specs.iter().find(|s| s.name == "H2_1").map(|s| s.shape.clone()),
        Some(vec![64, 4161])
    );
    assert_eq!(names(hn_specs), hn);
    let lstm = ["W_ih", "W_hh", "b_ih", "b_hh", "Wh", "bh"].map(String::from);
    assert_eq!(names(Lstm::<f32>::param_specs(&dims)), lstm);
}

/// Loading fails with an error naming the tensor when a name or a shape does not match.
#[test]
fn mismatched_names_and_shapes_are_refused() -> anyhow::Result<()> {
    let dims = Dims::TINY;
    let mut model = Lstm::<f32>::build(&dims)?;
    let mut specs = Lstm::<f32>::param_specs(&dims);
    load("lstm", &mut model, 3, &specs)?;

    specs[4] = ParamSpec::new("Wh", &[3, 3], 3).into("head.weight");
    let err = load("lstm", &mut model, 3, &specs).unwrap_err();
    assert_eq!(
        err.to_string(),
        "lstm: model parameter `head.w` is not loaded from any spec tensor"
    );
    specs[4] = ParamSpec::new("Wh", &[3, 3], 3).into("head.w").into("head.weight");
    let err = load("lstm", &mut model, 3, &specs).unwrap_err();
    assert!(matches!(err, LoadError::Coverage { .. }), "{err}");
    specs[4] = ParamSpec::new("Wh", &[4, 3], 3).into("head.w");
    let err = load("lstm", &mut model, 3, &specs).unwrap_err();
    assert_eq!(err.to_string(), "lstm: spec tensor `Wh` gives [4, 3] but `head.w` is [3, 3]");
    specs[4] = ParamSpec::new("Wh", &[3, 3], 3).into("head.w");
    specs.push(ParamSpec::new("extra", &[3], 3).into("head.scale"));
    let err = load("lstm", &mut model, 3, &specs).unwrap_err();
    assert_eq!(
        err.to_string(),
        "lstm: spec tensor `extra` targets `head.scale`, which the model does not have"
    );
    specs[5] = ParamSpec::new("bh", &[3], 3).into("head.w");
    let err = load("lstm", &mut model, 3, &specs).unwrap_err();
    assert!(matches!(err, LoadError::Twice { .. }), "{err}");
    Ok(())
}

/// hn's `H2_k` goes in two parts: the tower's `[W1 | b1]` and the head's `[w2 | b2]` columns.
#[test]
fn hn_splits_the_generated_rows_between_tower_and_head() -> anyhow::Result<()> {
    let dims = Dims::TINY;
    let model = HyperNet::<f64>::init(&dims)?;
    let specs = HyperNet::<f64>::param_specs(&dims);
    let a = specs.iter().position(|s| s.name == "H2_1").ok_or_else(|| anyhow::anyhow!("H2_1"))?;
    let h2 = crate::spec::params::initial_value::<f64>(2, a, &specs[a]);
    let split = dims.d_hidden2 * dims.d_generated_tower + dims.d_generated_tower;
    let task = &model.hypers[1];
    assert_eq!(task.tower.hyper.layers[0].w.view(), h2.slice(ndarray::s![.., ..split]));
    assert_eq!(task.head.hyper.layers[0].w.view(), h2.slice(ndarray::s![.., split..]));
    Ok(())
}
