//! Convergence smoke tests: each model learns a task it must be able to learn, to a stated loss
//! threshold, in a fixed number of seeded steps (STYLE H11).

use deepprl_core::testing::tasks::{fit_sine, point_to_marker, remember_first};

fn tail_mean(losses: &[f64], n: usize) -> f64 {
    losses[losses.len() - n..].iter().sum::<f64>() / n as f64
}

#[test]
fn mlp_fits_a_nonlinear_function() {
    // The target's variance is about 0.2; the MLP must get the MSE below 0.002.
    let losses = fit_sine(1500, 0);
    assert!(losses[0] > 0.05, "the task is not trivial at the start: {}", losses[0]);
    let last = *losses.last().expect("steps ran");
    assert!(last < 0.002, "MSE after 1500 steps: {last}");
}

#[test]
fn time_lstm_remembers_across_eleven_steps() {
    // Chance is ln 2 ≈ 0.693; the mean BCE of the last 20 steps must fall below 0.01.
    let losses = remember_first(400, 0);
    let end = tail_mean(&losses, 20);
    assert!(end < 0.01, "BCE at the end: {end} (start {})", losses[0]);
}

#[test]
fn attention_learns_to_point_at_the_marked_position() {
    // Answering 0 scores 1/3; the MSE must fall below 0.002 with > 95 % of the weight on the marker.
    let (losses, on_marker) = point_to_marker(600, 0);
    let end = tail_mean(&losses, 20);
    assert!(end < 0.002, "MSE at the end: {end} (start {})", losses[0]);
    assert!(on_marker > 0.95, "attention on the marked position: {on_marker}");
}
