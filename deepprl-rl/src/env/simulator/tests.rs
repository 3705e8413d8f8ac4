//! Simulator tests: determinism, ranking effects, the pluggable scorer and the oracle.

use super::*;
use deepprl_core::rng::seeded;
use deepprl_data::world::WorldConfig;

fn sim() -> Simulator {
    let world = World::new(&WorldConfig::small()).expect("valid world");
    let cfg = SimulatorConfig::from_world(&world);
    Simulator::new(world, cfg, Vec::new()).expect("valid settings")
}

#[test]
fn sessions_are_deterministic_per_seed_and_end() {
    let run = |seed| {
        let mut env = sim();
        let rng = &mut seeded(seed);
        let mut s = env.reset(rng);
        let mut trace = vec![s.clone()];
        for _ in 0..100 {
            let st = env.step(&[0.4, 0.3, 0.3], rng);
            trace.push(st.reward.clone());
            s = st.next_state;
            if st.done {
                break;
            }
        }
        (trace, s)
    };
    assert_eq!(run(3), run(3));
    let (trace, _) = run(3);
    assert!(trace.len() <= 1 + sim().config.max_steps, "sessions end by max_steps at the latest");
    assert_eq!(trace[0].len(), 2 + 3);
    let (sin, cos) = (trace[0][0], trace[0][1]);
    assert!((sin * sin + cos * cos - 1.0).abs() < 1e-5, "the hour on the unit circle");
}

#[test]
fn ranking_for_clicks_yields_more_clicks_and_the_oracle_bounds_watch_time() {
    let mut env = sim();
    env.config.standardise_reward = false;
    let lambda = [0.0, 0.0, 1.0];
    let (mut clicks_by_click, mut clicks_by_watch, mut watch, mut oracle) = (0.0, 0.0, 0.0, 0.0);
    for e in 0..300 {
        // The same session start and the same randomness for both rankings.
        let rng = &mut deepprl_core::rng::worker_rng(1, e);
        let mut a = env.clone();
        a.reset(rng);
        let mut b = a.clone();
        oracle += a.oracle_value(&lambda).expect("the simulator knows its oracle");
        let expected_watch = b.world.slate_value(
            b.state.user,
            b.context(),
            &b.candidates,
            &[0.0, 0.0, 1.0],
            b.config.slate,
        )[2] as f32;
        watch += expected_watch;
        clicks_by_click += a.step(&[1.0, 0.0, 0.0], &mut rng.clone()).reward[0];
        clicks_by_watch += b.step(&[0.0, 0.0, 1.0], &mut rng.clone()).reward[0];
    }
    assert!(
        clicks_by_click > clicks_by_watch,
        "ranking for clicks yields more clicks: {clicks_by_click} vs {clicks_by_watch}"
    );
    assert!(
        oracle + 1e-3 >= watch,
        "the oracle's watch time is at least that of the watch-time ranking: {oracle} vs {watch}"
    );
}

/// The truth with its sign flipped: ranks the worst candidates first.
struct Negated(TrueScorer);

impl SlateScorer for Negated {
    fn score(&self, user: usize, context: Context, items: &[usize]) -> Vec<[f64; K]> {
        self.0.score(user, context, items).into_iter().map(|z| z.map(|v| -v)).collect()
    }
}

#[test]
fn the_scorer_decides_the_slate_and_the_truth_the_reward() -> crate::Result<()> {
    use crate::policies::StaticWeights;
    use crate::rollout::{Actor, EvalConfig, evaluate_with};
    let truth = sim();
    let negated =
        truth.clone().with_scorer(Arc::new(Negated(TrueScorer::new(truth.world.clone()))));
    assert!(format!("{negated:?}").contains("scorer: \"scorer\""));
    let config = EvalConfig {
        episodes: 100,
        max_steps: 20,
        gamma: 0.9,
        lambda: vec![1.0 / 3.0; 3],
        seed: 4,
        regret: true,
    };
    let run = |mut env: Simulator| {
        let mut p = StaticWeights::uniform(K, env.state_dim());
        evaluate_with(&mut env, Actor::Policy(&mut p), &config)
    };
    let (good, bad) = (run(truth)?, run(negated)?);
    assert!(
        good.mean_reward > bad.mean_reward + 0.2,
        "the true ranking earns more: {} vs {}",
        good.mean_reward,
        bad.mean_reward
    );
    let (rg, rb) = (good.regret.expect("an oracle"), bad.regret.expect("an oracle"));
    assert!(rb > rg + 0.2, "the oracle stays the truth's, so the regret grows: {rg} vs {rb}");
    let (ug, ub) =
        (good.return_rate.expect("a return model"), bad.return_rate.expect("a return model"));
    assert!((0.0..=1.0).contains(&ug) && (0.0..=1.0).contains(&ub));
    assert!(ug > ub, "worse slates leave users less satisfied: return {ug} vs {ub}");
    Ok(())
}

#[test]
fn the_oracle_weights_reach_the_oracle_value_on_the_reward_scale() {
    let mut env = sim();
    let lambda = [0.2, 0.3, 0.5];
    let rng = &mut seeded(8);
    env.reset(rng);
    let w = env.oracle_weights(&lambda).expect("an oracle");
    let value = env.oracle_value(&lambda).expect("an oracle");
    // The expected standardised slate outcome of the oracle weights, through the world's own
    // slate evaluation.
    let y = env.world.slate_value(
        env.user(),
        env.context(),
        &env.candidates,
        &Simulator::to_f64(&w),
        env.config.slate,
    );
    let z = env.world.standardise(&y);
    let expected: f64 = (0..K).map(|k| f64::from(lambda[k]) * z[k]).sum();
    approx::assert_relative_eq!(f64::from(value), expected, epsilon = 1e-5);
    // No grid point does better.
    for g in &env.grid {
        let z = env.world.standardise(&env.world.slate_value(
            env.user(),
            env.context(),
            &env.candidates,
            g,
            env.config.slate,
        ));
        let v: f64 = (0..K).map(|k| f64::from(lambda[k]) * z[k]).sum();
        assert!(v <= f64::from(value) + 1e-5);
    }
    assert_eq!(env.hour(), Some(env.context().hour as u8));
    let p = env.return_probability().expect("a return model");
    let s = env.world.decayed(env.state.satisfaction, 1);
    assert_eq!(p, env.world.return_probability(s));
}
