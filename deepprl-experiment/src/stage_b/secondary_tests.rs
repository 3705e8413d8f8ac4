//! The secondary readings on a small simulator, against what they must equal for an agent
//! that has not learnt: the nested agent plays `w = λ` everywhere, so its matched-average static
//! policy is λ and earns what the agent earns, and at a held-out λ it earns what `w = λ` does.

use super::*;
use crate::config::RlSettings;
use crate::stage_b::simulator::SimulatorStage;
use deepprl_data::world::{World, WorldConfig};
use deepprl_rl::dcrl::DcrlConfig;
use deepprl_rl::env::{Simulator, SimulatorConfig};

type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

fn stage(rl: &RlSettings) -> SimulatorStage<'_> {
    let world = World::new(&WorldConfig::small()).expect("valid world");
    let cfg = SimulatorConfig { max_steps: 12, ..SimulatorConfig::from_world(&world) };
    let env = Simulator::new(world, cfg, Vec::new()).expect("valid settings");
    SimulatorStage::new(env, rl, vec!["a".into(), "b".into(), "c".into()])
}

fn untrained(env: &SimulatorStage<'_>, lambdas: &[Vec<f64>]) -> Dcrl {
    let c = DcrlConfig {
        lambda: lambdas[0].clone(),
        lambda_grid: lambdas.to_vec(),
        ..DcrlConfig::default()
    };
    Dcrl::new(&c, env.layout(), 3, 1).expect("valid config")
}

fn record() -> RunRecord {
    RunRecord {
        dataset: "world".into(),
        method: "moh+dcrl".into(),
        seed: 0,
        metrics: Default::default(),
        points: Vec::new(),
        curve: Vec::new(),
        weights_by_hour: Vec::new(),
        weights_by_segment: Vec::new(),
        beta: None,
        wall_secs: 0.0,
    }
}

/// Asserts `a` and `b` agree to 1e-9 relative.
fn close(a: f64, b: f64) {
    assert!((a - b).abs() <= 1e-9 * a.abs().max(b.abs()), "{a} vs {b}");
}

fn value_of(env: &mut SimulatorStage<'_>, w: &[f64], lambda: &[f64]) -> Result<f64> {
    let w: Vec<f32> = w.iter().map(|&v| v as f32).collect();
    let mut p = StaticWeights::new("w", &w, env.state_dim())?;
    let e = env.evaluate(&mut p, lambda, false)?;
    Ok(env.value(lambda, &e))
}

#[test]
fn an_untrained_agents_matched_static_is_lambda_and_earns_what_it_earns() -> TestResult {
    let rl = RlSettings { eval_episodes: 30, grid_episodes: 20, ..RlSettings::default() };
    let lambdas = vec![vec![1.0 / 3.0; 3], vec![0.6, 0.2, 0.2], vec![0.1, 0.1, 0.8]];
    let mut env = stage(&rl);
    let mut agent = untrained(&env, &lambdas);
    let mut rec = record();
    matched_static(&mut env, &mut agent, &lambdas, &mut rec)?;
    assert_eq!(agent.lambda(), simplex::normalised_f32(&lambdas[0]).as_slice(), "back at λ0");
    for (j, lambda) in lambdas.iter().enumerate() {
        for (k, l) in lambda.iter().enumerate() {
            let w = rec.metrics[&format!("matched_static.lambda{j}.w{k}")];
            assert!((w - l).abs() < 1e-5, "λ{j}: weight {k} is {w}, not {l}");
        }
        let own = {
            agent.set_lambda(&simplex::normalised_f32(lambda))?;
            let e = env.evaluate(&mut agent, lambda, false)?;
            env.value(lambda, &e)
        };
        let matched = rec.metrics[&matched_key(j)];
        close(matched, own);
    }
    assert_ne!(rec.metrics[&matched_key(0)], rec.metrics[&matched_key(2)]);
    Ok(())
}

#[test]
fn held_out_lambdas_are_the_agent_and_the_grids_choice_there() -> TestResult {
    let rl = RlSettings { eval_episodes: 30, ..RlSettings::default() };
    let lambdas = vec![vec![1.0 / 3.0; 3], vec![0.6, 0.2, 0.2]];
    let held_out = vec![vec![0.2, 0.2, 0.6], vec![0.0, 0.5, 0.5]];
    let mut env = stage(&rl);
    let mut agent = untrained(&env, &lambdas);
    let mut rec = record();
    held_out_agent(&mut env, &mut agent, &lambdas, &held_out, &mut rec)?;
    for (j, l) in held_out.iter().enumerate() {
        let want = value_of(&mut env, l, l)?;
        close(rec.metrics[&held_out_key(j)], want);
    }
    // The grid's chosen points, evaluated at their held-out λ.
    let grid = simplex::grid_f32(3, 2);
    let mut rec = record();
    held_out_grid(&mut env, &[grid[1].clone(), grid[4].clone()], &held_out, &mut rec)?;
    let as_f64 = |w: &[f32]| -> Vec<f64> { w.iter().map(|&v| f64::from(v)).collect() };
    let first = value_of(&mut env, &as_f64(&grid[1]), &held_out[0])?;
    assert_eq!(rec.metrics[&held_out_key(0)], first);
    let second = value_of(&mut env, &as_f64(&grid[4]), &held_out[1])?;
    assert_eq!(rec.metrics[&held_out_key(1)], second);
    assert_ne!(first, second);
    Ok(())
}
