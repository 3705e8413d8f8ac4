//! The core's demo: three small models learn three tasks with hand-written backprop.
//!
//! `cargo run --release -p deepprl-core --example demo`
//!
//! Prints each loss curve (every tenth of the run) and the final values; the same tasks are the
//! convergence smoke tests in `tests/convergence.rs`.

use deepprl_core::testing::tasks::{fit_sine, point_to_marker, remember_first};

fn show(title: &str, losses: &[f64], floor: &str) {
    println!("{title}");
    let every = (losses.len() / 10).max(1);
    for (step, loss) in
        losses.iter().enumerate().filter(|(s, _)| s % every == 0 || *s + 1 == losses.len())
    {
        println!("  step {step:>5}  loss {loss:.5}");
    }
    println!("  ({floor})\n");
}

fn main() {
    let started = std::time::Instant::now();
    show(
        "MLP 2-32-32-1 fits sin(3 x0) cos(2 x1) (MSE)",
        &fit_sine(1500, 0),
        "predicting the mean scores about 0.2",
    );
    show(
        "Time-LSTM remembers the sign seen 11 steps ago (BCE)",
        &remember_first(400, 0),
        "chance is ln 2 = 0.693",
    );
    let (losses, on_marker) = point_to_marker(600, 0);
    show(
        "Attention reads the value at the marked position (MSE)",
        &losses,
        "answering 0 scores 1/3",
    );
    println!("attention weight on the marked position at the end: {on_marker:.3}");
    println!("done in {:.1} s", started.elapsed().as_secs_f64());
}
