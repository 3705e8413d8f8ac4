//! Parameter counts, initial sums, naming and FLOP accounting against the spec's table.

use crate::spec::reference::{self, WorkloadReference};
use crate::spec::{Dims, HyperNet, Lstm, Mmoe, SharedBottom, Workload};
use approx::assert_abs_diff_eq;

fn check<W: Workload<f32>>() -> anyhow::Result<()> {
    let r: &WorkloadReference =
        reference::workload(W::NAME).ok_or_else(|| anyhow::anyhow!("no reference"))?;
    let dims = Dims::SPEC;
    let model = W::init(&dims);
    assert_eq!(model.num_params(), r.n_params, "{}", W::NAME);
    let mut sum = 0.0;
    let mut names = Vec::new();
    model.visit_params(&mut |name, p| {
        sum += p.iter().map(|&v| f64::from(v)).sum::<f64>();
        names.push((name.to_string(), p.shape().to_vec()));
    });
    // The reference is printed with 6 decimals: allow half a unit of the last one, plus slack.
    assert_abs_diff_eq!(sum, r.param_sum, epsilon = 1e-6);
    let specs: Vec<_> = W::param_specs(&dims).into_iter().map(|s| (s.name, s.shape)).collect();
    assert_eq!(names, specs, "{}: visiting order is the spec's order", W::NAME);
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
