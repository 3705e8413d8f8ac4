//! Long term in the simulator: DCRL with γ = 0.9 against the same agent with γ = 0 (short-term
//! only), over several seeds, scored by the discounted (γ = 0.9) λ-scalarised return of greedy
//! sessions (rewards standardised per objective); the best static weights on a grid for scale.
//!
//! ```text
//! cargo run --release -p deepprl-rl --example long_term -- [--seeds 5] [--episodes 1500] \
//!     [--lambda 0.6,0.1,0.3] [--world world.toml] [--set 'twin_critics = true']...
//! ```

use deepprl_core::simplex;
use deepprl_data::world::{World, WorldConfig};
use deepprl_models::metrics::format_ci;
use deepprl_rl::dcrl::{Dcrl, DcrlConfig};
use deepprl_rl::env::{Environment, Simulator, SimulatorConfig};
use deepprl_rl::policies::StaticWeights;
use deepprl_rl::rollout::{Evaluation, RolloutConfig, evaluate, train};

const EVAL_EPISODES: usize = 300;
const EVAL_SEED: u64 = 1_000;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (mut seeds, mut episodes) = (5u64, 1500usize);
    let mut lambda = vec![1.0f32 / 3.0; 3];
    let mut world_cfg = WorldConfig::default();
    let mut sets = toml::Table::new();
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--seeds" => seeds = value()?.parse()?,
            "--episodes" => episodes = value()?.parse()?,
            "--lambda" => {
                lambda = value()?.split(',').map(str::parse).collect::<Result<_, _>>()?;
                let s: f32 = lambda.iter().sum();
                lambda.iter_mut().for_each(|l| *l /= s);
            }
            "--world" => world_cfg = WorldConfig::from_file(std::path::Path::new(&value()?))?,
            "--set" => sets.extend(toml::from_str::<toml::Table>(&value()?)?),
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let scalarised = |e: &Evaluation| -> f64 {
        e.discounted_return.iter().zip(&lambda).map(|(g, l)| g * f64::from(*l)).sum()
    };
    let world = World::new(&world_cfg)?;
    let sim_cfg = SimulatorConfig::from_world(&world);
    let mut env = Simulator::new(world, sim_cfg.clone(), Vec::new())?;
    let rollout = RolloutConfig {
        episodes,
        max_steps: sim_cfg.max_steps,
        warmup: 500,
        batch_size: 64,
        replay_capacity: 50_000,
        updates_per_step: 1,
        envs: 1,
        transitions: 0,
    };
    let eval = |env: &mut Simulator, p: &mut dyn deepprl_models::WeightPolicy, n| {
        evaluate(env, p, n, sim_cfg.max_steps, 0.9, &lambda, EVAL_SEED, false)
    };
    println!("λ = {lambda:?}");
    println!("| policy | discounted λ-return (γ = 0.9) | session length | mean weights |");
    println!("| --- | --- | --- | --- |");
    for gamma in [0.9, 0.0] {
        let (mut returns, mut lengths, mut weights) = (Vec::new(), Vec::new(), vec![0.0; 3]);
        for seed in 0..seeds {
            let mut table = toml::Table::try_from(DcrlConfig {
                lambda: lambda.iter().map(|&l| f64::from(l)).collect(),
                noise_decay_steps: episodes * 5,
                ..DcrlConfig::default()
            })?;
            table.extend(sets.clone());
            let cfg = DcrlConfig { gamma: Some(gamma), ..table.try_into()? };
            let mut agent = Dcrl::new(&cfg, env.layout(), env.n_objectives(), seed)?;
            train(&mut env, &mut agent, &rollout, seed)?;
            let e = eval(&mut env, &mut agent, EVAL_EPISODES)?;
            let (mut w, mut n) = (vec![0.0; 3], 0.0);
            for h in e.weights_by_hour.iter().flatten() {
                (0..3).for_each(|k| w[k] += h[k]);
                n += 1.0;
            }
            (0..3).for_each(|k| weights[k] += w[k] / n / seeds as f64);
            eprintln!(
                "gamma {gamma} seed {seed}: return {:.4}, session {:.2} steps",
                scalarised(&e),
                e.mean_length
            );
            returns.push(scalarised(&e));
            lengths.push(e.mean_length);
        }
        println!(
            "| DCRL, γ = {gamma} ({seeds} seeds) | {} | {} | {weights:.2?} |",
            format_ci(&returns, 4),
            format_ci(&lengths, 2)
        );
    }
    // Whether the world has a long-term trade-off at all: the static weights best for the first
    // step of a session against those best for the discounted return.
    let grid = simplex::grid_f32(3, 5);
    let score = |env: &mut Simulator, w: &[f32], gamma: f64| {
        let mut p = StaticWeights::new("grid", w, env.state_dim()).expect("simplex weights");
        evaluate(env, &mut p, EVAL_EPISODES, sim_cfg.max_steps, gamma, &lambda, EVAL_SEED, false)
            .map(|e| scalarised(&e))
            .unwrap_or(f64::NEG_INFINITY)
    };
    let (myopic, _) = simplex::best_on_grid(&grid, |w| score(&mut env, w, 0.0));
    let (best, _) = simplex::best_on_grid(&grid, |w| score(&mut env, w, 0.9));
    for (name, w) in [("best static weights, first step", &myopic), ("best static weights", &best)]
    {
        let mut p = StaticWeights::new("grid", w, env.state_dim())?;
        let e = eval(&mut env, &mut p, EVAL_EPISODES)?;
        println!("| {name} | {:.4} | {:.2} | {w:.2?} |", scalarised(&e), e.mean_length);
    }
    Ok(())
}
