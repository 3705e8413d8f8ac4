//! Long term in the simulator: DCRL with γ = 0.9 against the same agent with γ = 0 (short-term
//! only), over several seeds, scored by the discounted (γ = 0.9) λ-scalarised return of greedy
//! sessions (rewards standardised per objective); the best static weights on a grid for scale.
//!
//! ```text
//! cargo run --release -p deepprl-rl --example long_term -- [--seeds 5] [--episodes 1500]
//! ```

use deepprl_data::world::{World, WorldConfig};
use deepprl_models::metrics::format_ci;
use deepprl_rl::dcrl::{Dcrl, DcrlConfig};
use deepprl_rl::env::{Environment, Simulator, SimulatorConfig};
use deepprl_rl::policies::{StaticWeights, best_on_grid, simplex_grid};
use deepprl_rl::rollout::{Evaluation, RolloutConfig, evaluate, train};

const LAMBDA: [f32; 3] = [1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0];
const EVAL_EPISODES: usize = 300;
const EVAL_SEED: u64 = 1_000;

fn scalarised(eval: &Evaluation) -> f64 {
    eval.discounted_return.iter().zip(LAMBDA).map(|(g, l)| g * f64::from(l)).sum()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (mut seeds, mut episodes) = (5u64, 1500usize);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--seeds" => seeds = args.next().ok_or("--seeds needs a value")?.parse()?,
            "--episodes" => episodes = args.next().ok_or("--episodes needs a value")?.parse()?,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let world = World::new(&WorldConfig::default())?;
    let sim_cfg = SimulatorConfig::from_world(&world);
    let mut env = Simulator::new(world, sim_cfg.clone(), Vec::new())?;
    let rollout = RolloutConfig {
        episodes,
        max_steps: sim_cfg.max_steps,
        warmup: 500,
        batch_size: 64,
        replay_capacity: 50_000,
        updates_per_step: 1,
    };
    let eval = |env: &mut Simulator, p: &mut dyn deepprl_models::WeightPolicy, n| {
        evaluate(env, p, n, sim_cfg.max_steps, 0.9, &LAMBDA, EVAL_SEED, false)
    };
    println!("| policy | discounted λ-return (γ = 0.9) | session length |");
    println!("| --- | --- | --- |");
    for gamma in [0.9, 0.0] {
        let (mut returns, mut lengths) = (Vec::new(), Vec::new());
        for seed in 0..seeds {
            let cfg = DcrlConfig {
                gamma,
                lambda: LAMBDA.iter().map(|&l| f64::from(l)).collect(),
                noise_decay_steps: episodes * 5,
                ..DcrlConfig::default()
            };
            let mut agent = Dcrl::new(&cfg, env.layout(), env.n_objectives(), seed)?;
            train(&mut env, &mut agent, &rollout, seed)?;
            let e = eval(&mut env, &mut agent, EVAL_EPISODES)?;
            eprintln!(
                "gamma {gamma} seed {seed}: return {:.4}, session {:.2} steps",
                scalarised(&e),
                e.mean_length
            );
            returns.push(scalarised(&e));
            lengths.push(e.mean_length);
        }
        println!(
            "| DCRL, γ = {gamma} ({seeds} seeds) | {} | {} |",
            format_ci(&returns, 4),
            format_ci(&lengths, 2)
        );
    }
    let (best, _) = best_on_grid(&simplex_grid(3, 5), |w| {
        let mut p = StaticWeights::new("grid", w, env.state_dim()).expect("simplex weights");
        eval(&mut env, &mut p, 100).map(|e| scalarised(&e)).unwrap_or(f64::NEG_INFINITY)
    });
    let mut p = StaticWeights::new("grid", &best, env.state_dim())?;
    let e = eval(&mut env, &mut p, EVAL_EPISODES)?;
    println!("| best static weights {best:?} | {:.4} | {:.2} |", scalarised(&e), e.mean_length);
    Ok(())
}
