//! Simulator tests: determinism, episodes over days, common random numbers, ranking effects,
//! the pluggable scorer and the oracle.

use super::*;
use crate::env::TrueScorer;
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
        for _ in 0..1000 {
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
    assert!(trace.len() <= 1 + sim().config.max_steps, "episodes end by max_steps at the latest");
    let c = sim().world.config().clone();
    assert_eq!(sim().config.max_steps, c.episode_days * c.log.max_steps);
    assert_eq!(trace[0].len(), 4 + 2, "calendar and progress without a user part");
    let (sin, cos) = (trace[0][0], trace[0][1]);
    assert!((sin * sin + cos * cos - 1.0).abs() < 1e-5, "the hour on the unit circle");
    assert_eq!(&trace[0][4..], &[0.0, 0.0], "step 0 of day 0");
}

/// Encodes a user as (user, interactions held, last item).
struct Counting;

impl UserEncoder for Counting {
    fn width(&self) -> usize {
        3
    }
    fn encode(&self, user: usize, history: &UserHistory) -> Vec<f32> {
        let m = history.to_model(K);
        let last = m.item.row(0).last().map_or(0, |&i| i);
        vec![user as f32, history.len() as f32, last as f32]
    }
}

/// The truth, recording the length of each history it is shown.
struct Recording(TrueScorer, std::sync::Mutex<Vec<usize>>);

impl SlateScorer for Recording {
    fn score(&self, request: &Request<'_>, items: &[usize]) -> Vec<[f64; K]> {
        self.1.lock().unwrap().push(request.history.len());
        self.0.score(request, items)
    }
}

#[test]
fn every_slate_joins_the_history_that_the_state_and_the_scorer_read() -> crate::Result<()> {
    let base = sim();
    let n = base.world.users().len();
    let logged = |u: usize| {
        let mut h = UserHistory::new(40);
        h.push(1000 + u, &[1.0, 0.0, 0.5], 0);
        h
    };
    let bad = base.clone().with_histories(vec![logged(0)]).unwrap_err().to_string();
    assert!(bad.contains("histories"), "{bad}");
    let recording = Arc::new(Recording(TrueScorer::new(base.world.clone()), Default::default()));
    let mut env = base
        .with_histories((0..n).map(logged).collect())?
        .with_encoder(Arc::new(Counting))
        .with_scorer(recording.clone());
    assert_eq!(env.layout(), StateLayout { dim: 9, user: Some(4..7), context: Some(0..4) });
    assert_eq!(env.state_dim(), 9);
    let rng = &mut seeded(2);
    let s0 = env.reset(rng);
    let user = env.user();
    assert_eq!(&s0[4..7], &[user as f32, 1.0, (1000 + user) as f32], "the logged history");
    let slate_size = env.world().config().log.slate_size;
    let mut held = 1;
    for t in 0..12 {
        let before = env.episode().clone();
        let step = env.step(&[0.3, 0.3, 0.4], rng);
        held = (held + slate_size).min(40);
        assert_eq!(env.history().len(), held);
        assert_eq!(step.next_state[5], held as f32, "step {t}");
        // The last interaction is an item of the slate just shown (vocabulary = index + 1).
        let last = step.next_state[6] as usize - 1;
        assert!(before.candidates().contains(&last));
        let c = env.world().config();
        let want_step = env.episode().step_in_session() as f32 / c.log.max_steps as f32;
        let want_day = env.episode().day() as f32 / c.episode_days as f32;
        assert_eq!(&step.next_state[7..], &[want_step, want_day]);
        if step.done {
            break;
        }
    }
    let seen = recording.1.lock().unwrap().clone();
    assert_eq!(seen[..3], [1, 1 + slate_size, 1 + 2 * slate_size], "the scorer sees them too");
    // A new episode starts again from the logged history.
    let s = env.reset(rng);
    assert_eq!(s[5], 1.0);
    Ok(())
}

#[test]
fn ranking_for_clicks_yields_more_clicks_and_the_oracle_bounds_watch_time() {
    let mut env = sim();
    env.config.scale_reward = false;
    let lambda = [0.0, 0.0, 1.0];
    let (mut clicks_by_click, mut clicks_by_watch, mut watch, mut oracle) = (0.0, 0.0, 0.0, 0.0);
    for e in 0..300 {
        // The same episode key for both rankings: the same candidates and response noise.
        let rng = &mut deepprl_core::rng::worker_rng(1, e);
        let mut a = env.clone();
        a.reset(rng);
        let mut b = a.clone();
        oracle += a.oracle_value(&lambda).expect("the simulator knows its oracle");
        let expected_watch = b.world.slate_value(
            b.user(),
            b.context(),
            b.episode().candidates(),
            &[0.0, 0.0, 1.0],
            b.slate_size(),
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

#[test]
fn rewards_are_scaled_not_centred_and_equal_weights_meet_equal_draws() {
    let env = sim();
    let run = |w: [f32; 3], seed: u64| {
        let mut e = env.clone();
        let rng = &mut seeded(seed);
        e.reset(rng);
        let mut rewards = Vec::new();
        loop {
            let st = e.step(&w, rng);
            rewards.push(st.reward);
            if st.done {
                break (rewards, e.return_rate());
            }
        }
    };
    let (a, rate) = run([0.2, 0.3, 0.5], 5);
    // Scaled, not centred: every outcome is non-negative, so every reward is.
    assert!(a.iter().flatten().all(|&r| r >= 0.0), "{a:?}");
    // A whole episode, over days: longer than one session can be.
    let c = env.world.config();
    assert!(rate.is_some_and(|r| (0.0..=1.0).contains(&r)));
    // The same key and weights give the same episode whatever else ran before.
    let _ = run([1.0, 0.0, 0.0], 6);
    assert_eq!(run([0.2, 0.3, 0.5], 5).0, a);
    // Another ranking meets the same first candidates (common random numbers).
    let mut x = env.clone();
    let mut y = env.clone();
    x.reset(&mut seeded(9));
    y.reset(&mut seeded(9));
    assert_eq!(x.episode().candidates(), y.episode().candidates());
    assert!(c.episode_days > 1);
}

/// The truth with its sign flipped: ranks the worst candidates first.
struct Negated(TrueScorer);

impl SlateScorer for Negated {
    fn score(&self, request: &Request<'_>, items: &[usize]) -> Vec<[f64; K]> {
        self.0.score(request, items).into_iter().map(|z| z.map(|v| -v)).collect()
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
    // Whole episodes: a return rate is only complete at the episode's end.
    let config = EvalConfig {
        episodes: 100,
        max_steps: truth.config.max_steps,
        gamma: 0.9,
        lambda: vec![1.0 / 3.0; 3],
        seed: 4,
        regret: true,
        envs: 1,
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
    // The expected scaled slate outcome of the oracle weights, through the world's own
    // slate evaluation.
    let y = env.world.slate_value(
        env.user(),
        env.context(),
        env.episode().candidates(),
        &w.iter().map(|&v| f64::from(v)).collect::<Vec<f64>>(),
        env.slate_size(),
    );
    let z = env.world.scale(&y);
    let expected: f64 = (0..K).map(|k| f64::from(lambda[k]) * z[k]).sum();
    approx::assert_relative_eq!(f64::from(value), expected, epsilon = 1e-5);
    // No grid point does better.
    for g in &env.grid {
        let z = env.world.scale(&env.world.slate_value(
            env.user(),
            env.context(),
            env.episode().candidates(),
            g,
            env.slate_size(),
        ));
        let v: f64 = (0..K).map(|k| f64::from(lambda[k]) * z[k]).sum();
        assert!(v <= f64::from(value) + 1e-5);
    }
    assert_eq!(env.hour(), Some(env.context().hour as u8));
    assert_eq!(env.return_rate(), Some(0.0), "no later day yet");
}
