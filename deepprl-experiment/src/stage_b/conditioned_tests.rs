//! The conditioned agent of stage B: its settings, its budget, its one checkpoint folder, and a
//! resumed run that ends as an uninterrupted one.

use super::*;
use crate::config::ExperimentConfig;
use deepprl_core::Parameterized;
use deepprl_core::simplex;
use deepprl_data::world::{World, WorldConfig};
use deepprl_models::WeightPolicy;
use deepprl_models::moh::{StateEncoder, StateInput};
use deepprl_rl::env::{Simulator, SimulatorConfig};
use ndarray::Array2;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("deepprl-exp-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn small_sim() -> Simulator {
    let world = World::new(&WorldConfig::small()).expect("valid world");
    let cfg = SimulatorConfig { max_steps: 4, ..SimulatorConfig::from_world(&world) };
    Simulator::new(world, cfg, Vec::new()).expect("valid settings")
}

/// A tiny experiment: `episodes` per λ (no transition budget) in rounds of 4, a small agent
/// that starts learning at once.
fn experiment(episodes: usize) -> ExperimentConfig {
    let mut c = ExperimentConfig::default();
    (c.rl.episodes, c.rl.transitions, c.rl.envs, c.rl.updates_per_step) = (episodes, 0, 4, 2);
    c.dcrl = DcrlConfig {
        d_hidden: vec![8],
        warmup: 16,
        batch_size: 16,
        replay_capacity: 64,
        noise_decay_steps: 50,
        ..DcrlConfig::default()
    };
    c
}

fn files(dir: &Path) -> std::io::Result<Vec<String>> {
    let mut out: Vec<String> = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<std::io::Result<_>>()?;
    out.sort();
    Ok(out)
}

/// Trains the conditioned `dcrl` for `episodes` per λ into `dir`; returns the agent, its curve
/// and the progress it reported.
fn train(
    config: &ExperimentConfig,
    dir: &Path,
    lambdas: &[Vec<f64>],
) -> Result<(Dcrl, LearningCurve, Vec<f64>)> {
    let reported = Mutex::new(Vec::new());
    let progress = |f: f64| reported.lock().expect("not poisoned").push(f);
    let spec = TrainSpec {
        config,
        kind: PolicyKind::Dcrl,
        seed: 7,
        run_dir: dir,
        progress: &progress,
        finetune: None,
    };
    let mut env = small_sim();
    let layout = env.layout();
    let (agent, curve) = train_conditioned(&spec, &mut env, &layout, 4, lambdas)?;
    Ok((agent, curve, reported.into_inner().expect("not poisoned")))
}

/// The agent's greedy weights on `probe` at each λ, as bits.
fn answers(agent: &mut Dcrl, probe: &Array2<f32>, lambdas: &[Vec<f64>]) -> Vec<Vec<u32>> {
    lambdas
        .iter()
        .map(|l| {
            agent.set_lambda(&simplex::normalised_f32(l)).expect("a valid λ");
            let w = agent.act(probe, false).expect("valid states");
            w.iter().map(|v| v.to_bits()).collect()
        })
        .collect()
}

#[test]
fn the_conditioned_settings_are_the_grid_and_only_conditioned_dcrl_has_them() {
    let lambdas = vec![vec![1.0, 1.0, 1.0], vec![0.6, 0.2, 0.2]];
    let base = DcrlConfig::default();
    for kind in [PolicyKind::Dcrl, PolicyKind::DcrlNoNest, PolicyKind::DcrlTd3] {
        let c = conditioned_config(kind, &base, &lambdas).expect("conditioned");
        assert_eq!((c.lambda, c.lambda_grid), (lambdas[0].clone(), lambdas.clone()), "{kind}");
    }
    assert!(!conditioned_config(PolicyKind::DcrlNoNest, &base, &lambdas).unwrap().nest);
    for kind in [PolicyKind::DcrlPerLambda, PolicyKind::Morl, PolicyKind::Grid] {
        let err = conditioned_config(kind, &base, &lambdas).unwrap_err().to_string();
        assert!(err.contains(&format!("`{kind}`")) && err.contains("per λ"), "{err}");
    }
    let err = conditioned_config(PolicyKind::Dcrl, &base, &[]).unwrap_err().to_string();
    assert!(err.contains("rl.lambda_grid"), "{err}");
}

#[test]
fn one_agent_trains_for_the_whole_grid_and_a_resumed_run_ends_as_a_straight_one() -> TestResult {
    let k = small_sim().n_objectives();
    let lambdas = experiment(1).rl.lambdas(k);
    assert!(lambdas.len() > 1, "the default grid has several λ's: {lambdas:?}");
    let mut probe_env = small_sim();
    let rng = &mut deepprl_core::rng::seeded(5);
    let probe: Vec<f32> = (0..3).flat_map(|_| probe_env.reset(rng)).collect();
    let probe = Array2::from_shape_vec((3, probe_env.state_dim()), probe)?;

    let straight_dir = temp_dir("conditioned-straight");
    let (mut a, straight, reported) = train(&experiment(6), &straight_dir, &lambdas)?;
    assert_eq!(straight.loss.len(), 6 * lambdas.len(), "budget = episodes × λ's");
    assert!(straight.loss.iter().any(|&l| l > 0.0), "updates happened: {:?}", straight.loss);
    assert_eq!(reported.first(), Some(&0.0), "a fresh run reports episode 0");
    assert_eq!(a.lambda(), simplex::normalised_f32(&lambdas[0]).as_slice());
    assert_eq!(files(&straight_dir)?, [FOLDER], "one checkpoint folder, no lambda<j>/");

    let resumed_dir = temp_dir("conditioned-resumed");
    train(&experiment(3), &resumed_dir, &lambdas)?;
    let (mut b, resumed, reported) = train(&experiment(6), &resumed_dir, &lambdas)?;
    assert!(reported.is_empty(), "the second leg resumed past episode 0: {reported:?}");
    let bits = |c: &LearningCurve| -> Vec<u64> {
        c.loss.iter().chain(&c.returns).map(|v| v.to_bits()).collect()
    };
    assert_eq!(bits(&straight), bits(&resumed));
    let (wa, wb) = (answers(&mut a, &probe, &lambdas), answers(&mut b, &probe, &lambdas));
    assert_eq!(wa, wb);
    assert_ne!(wa[0], wa[1], "the one agent answers each λ differently");
    let _ = std::fs::remove_dir_all(&straight_dir);
    let _ = std::fs::remove_dir_all(&resumed_dir);
    Ok(())
}

#[test]
fn the_conditioned_budget_is_the_transitions_per_lambda_times_the_lambdas() -> TestResult {
    let lambdas = experiment(1).rl.lambdas(small_sim().n_objectives());
    let mut config = experiment(0);
    config.rl.transitions = 30;
    let dir = temp_dir("conditioned-budget");
    let (_, curve, _) = train(&config, &dir, &lambdas)?;
    let (n, budget) = (curve.loss.len(), 30 * lambdas.len());
    assert!(curve.transitions() >= budget, "{} of {budget}", curve.transitions());
    assert!(curve.steps[..n - 4].iter().sum::<usize>() < budget, "the last round spent it");
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// The small world with histories, its state from `encoder`'s raw inputs (stage C).
fn raw_sim(data: &crate::data::ExperimentData, encoder: &StateEncoder) -> Simulator {
    use crate::scoring::{MohUserEncoder, logged_histories, user_features};
    let world = data.world.clone().expect("a world");
    let cfg = SimulatorConfig { max_steps: 4, ..SimulatorConfig::from_world(&world) };
    let histories = logged_histories(&world, data);
    let raw = MohUserEncoder::new(encoder.clone(), StateInput::Raw).expect("small vocabularies");
    Simulator::new(world, cfg, user_features(&data.ds))
        .expect("valid settings")
        .with_histories(histories)
        .expect("one history per user")
        .with_encoder(std::sync::Arc::new(raw))
}

#[test]
fn stage_c_trains_the_encoder_through_the_runner_and_resumes_bit_for_bit() -> TestResult {
    use crate::config::DatasetRef;
    use deepprl_models::moh::{MohConfig, MohPredictor};
    let data = crate::data::ExperimentData::load(
        &DatasetRef::World(Vec::new()),
        &WorldConfig::small(),
        0,
    )?;
    let schema = crate::bridge::schema_of(&data.ds.meta);
    let moh = MohPredictor::new(&MohConfig::default(), &schema, 0)?;
    let encoder = StateEncoder::new(&moh.model);
    let lambdas = experiment(1).rl.lambdas(3);
    let mut config = experiment(4);
    config.dcrl.finetune_encoder = true;
    let run = |dir: &Path, episodes: usize| -> Result<(Dcrl, LearningCurve)> {
        let mut config = config.clone();
        config.rl.episodes = episodes;
        let progress = |_: f64| {};
        let spec = TrainSpec {
            config: &config,
            kind: PolicyKind::Dcrl,
            seed: 3,
            run_dir: dir,
            progress: &progress,
            finetune: Some(&encoder),
        };
        let mut env = raw_sim(&data, &encoder);
        let layout = env.layout();
        train_conditioned(&spec, &mut env, &layout, 4, &lambdas)
    };
    let straight_dir = temp_dir("stage-c-straight");
    let (mut a, straight) = run(&straight_dir, 4)?;
    let resumed_dir = temp_dir("stage-c-resumed");
    run(&resumed_dir, 2)?;
    let (mut b, resumed) = run(&resumed_dir, 4)?;
    let bits = |c: &LearningCurve| -> Vec<u64> {
        c.loss.iter().chain(&c.returns).map(|v| v.to_bits()).collect()
    };
    assert_eq!(bits(&straight), bits(&resumed));
    let mut env = raw_sim(&data, &encoder);
    let rng = &mut deepprl_core::rng::seeded(5);
    let probe: Vec<f32> = (0..3).flat_map(|_| env.reset(rng)).collect();
    let probe = Array2::from_shape_vec((3, env.state_dim()), probe)?;
    assert_eq!(answers(&mut a, &probe, &lambdas), answers(&mut b, &probe, &lambdas));
    // The checkpoint holds the trained SA-Time-LSTM, moved away from the MoH's.
    let ckpt = std::fs::read_dir(straight_dir.join(FOLDER))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "policy"))
        .expect("a policy checkpoint");
    let file: deepprl_core::io::TensorFile<f32> = deepprl_core::io::read_tensors(&ckpt)?;
    let mut moved = 0;
    encoder.encoder().expect("histories").visit_params(&mut |name, p| {
        let (_, t) = file
            .tensors
            .iter()
            .find(|(n, _)| *n == format!("encoder.{name}"))
            .expect("every encoder tensor is saved");
        moved += usize::from(t.iter().zip(p.iter()).any(|(a, b)| a != b));
    });
    assert!(moved > 0, "the critic's gradient moved the SA-Time-LSTM");
    let _ = std::fs::remove_dir_all(&straight_dir);
    let _ = std::fs::remove_dir_all(&resumed_dir);
    Ok(())
}

#[test]
fn snapshots_start_at_lambda_and_end_as_the_straight_agent() -> TestResult {
    let k = small_sim().n_objectives();
    let lambdas = experiment(1).rl.lambdas(k);
    let mut probe_env = small_sim();
    let rng = &mut deepprl_core::rng::seeded(6);
    let probe: Vec<f32> = (0..3).flat_map(|_| probe_env.reset(rng)).collect();
    let probe = Array2::from_shape_vec((3, probe_env.state_dim()), probe)?;
    let straight_dir = temp_dir("snapshots-straight");
    let (mut straight, curve, _) = train(&experiment(6), &straight_dir, &lambdas)?;

    let dir = temp_dir("snapshots");
    let config = experiment(6);
    let progress = |_: f64| {};
    let spec = TrainSpec {
        config: &config,
        kind: PolicyKind::Dcrl,
        seed: 7,
        run_dir: &dir,
        progress: &progress,
        finetune: None,
    };
    let mut env = small_sim();
    let layout = env.layout();
    let (mut snapshots, last_curve) = train_snapshots(&spec, &mut env, &layout, 4, &lambdas, 3)?;
    assert_eq!(snapshots.len(), 3);
    let bits = |c: &LearningCurve| -> Vec<u64> {
        c.loss.iter().chain(&c.returns).map(|v| v.to_bits()).collect()
    };
    assert_eq!(bits(&last_curve), bits(&curve), "the last leg ends as the straight run");
    let last = snapshots.pop().unwrap();
    let mut last = last;
    assert_eq!(answers(&mut last, &probe, &lambdas), answers(&mut straight, &probe, &lambdas));
    // The first snapshot is untrained: the nested agent plays w = λ.
    let first = &mut snapshots[0];
    for l in &lambdas {
        first.set_lambda(&simplex::normalised_f32(l))?;
        let w = first.act(&probe, false)?;
        let want = simplex::normalised_f32(l);
        assert!(
            w.rows().into_iter().all(|r| r.iter().zip(&want).all(|(a, b)| (a - b).abs() < 1e-5))
        );
    }
    // The middle one has trained on half the budget: neither of the others.
    let middle = answers(&mut snapshots[1], &probe, &lambdas);
    assert_ne!(middle, answers(&mut last, &probe, &lambdas));
    assert_ne!(middle, answers(&mut snapshots[0], &probe, &lambdas));
    // A rerun in the same folder (a run killed after its training, say) gives the same
    // snapshots: the middle one is read back, not taken from the checkpoint past its budget.
    let (mut again, again_curve) = train_snapshots(&spec, &mut env, &layout, 4, &lambdas, 3)?;
    assert_eq!(answers(&mut again[1], &probe, &lambdas), middle);
    assert_eq!(answers(&mut again[2], &probe, &lambdas), answers(&mut last, &probe, &lambdas));
    assert_eq!(bits(&again_curve), bits(&curve));
    let err = train_snapshots(&spec, &mut env, &layout, 4, &lambdas, 1).unwrap_err().to_string();
    assert!(err.contains("rl.snapshots"), "{err}");
    let _ = std::fs::remove_dir_all(&straight_dir);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
