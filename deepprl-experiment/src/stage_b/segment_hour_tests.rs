//! The selection episodes of `grid-segment-hour`: never an evaluation episode or request, the
//! same return for the same answers, and a search over them that ends no worse than it starts.

use crate::config::RlSettings;
use crate::stage_b::env::StageEnv;
use crate::stage_b::logged::LoggedStage;
use crate::stage_b::simulator::SimulatorStage;
use deepprl_data::world::{K, OBJECTIVES, World, WorldConfig};
use deepprl_models::{Transitions, WeightPolicy};
use deepprl_rl::env::{
    LoggedRequest, LoggedReranking, Request, Simulator, SimulatorConfig, SlateScorer, TrueScorer,
};
use deepprl_rl::policies::{SegmentHourWeights, StaticWeights, TableSearch, search};
use ndarray::Array2;
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::{Arc, Mutex};

type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

/// The truth, noting the user and time of every request it ranks.
struct Recorder {
    truth: TrueScorer,
    seen: Mutex<BTreeSet<(usize, i64)>>,
}

impl SlateScorer for Recorder {
    fn score(&self, request: &Request<'_>, items: &[usize]) -> Vec<[f64; K]> {
        self.seen.lock().expect("not poisoned").insert((request.user, request.time));
        self.truth.score(request, items)
    }
}

fn take(r: &Recorder) -> BTreeSet<(usize, i64)> {
    std::mem::take(&mut *r.seen.lock().expect("not poisoned"))
}

fn rl() -> RlSettings {
    RlSettings { eval_episodes: 40, segment_hour_episodes: 40, ..RlSettings::default() }
}

/// The small world with its segment one-hot as user features, ranked by a [`Recorder`].
fn stage(
    rl: &RlSettings,
) -> Result<(SimulatorStage<'_>, Arc<Recorder>), Box<dyn std::error::Error>> {
    let world = World::new(&WorldConfig { n_users: 24, n_items: 150, ..WorldConfig::small() })?;
    let n = world.segments().len();
    let features = world
        .users()
        .iter()
        .map(|u| (0..n).map(|s| if s == u.segment { 1.0 } else { 0.0 }).collect())
        .collect();
    let recorder = Arc::new(Recorder {
        truth: TrueScorer::new(Arc::new(world.clone())),
        seen: Mutex::new(BTreeSet::new()),
    });
    let cfg = SimulatorConfig::from_world(&world);
    let env = Simulator::new(world, cfg, features)?.with_scorer(recorder.clone());
    let objectives = OBJECTIVES.iter().map(|o| o.to_string()).collect();
    Ok((SimulatorStage::new(env, rl, objectives), recorder))
}

#[test]
fn the_table_is_searched_on_episodes_the_evaluation_never_meets() -> TestResult {
    let settings = rl();
    let (mut env, recorder) = stage(&settings)?;
    let lambda = vec![0.25, 0.25, 0.5];
    let segments = env.feature_columns()?;
    assert_eq!(segments, Some(4..8), "the segment one-hot after the calendar");
    let start = SegmentHourWeights::new("gsh", &[0.25, 0.25, 0.5], env.state_dim(), 0, segments)?;
    let mut uniform = StaticWeights::uniform(3, env.state_dim());
    env.evaluate(&mut uniform, &lambda, false)?;
    let evaluation = take(&recorder);
    let table =
        TableSearch { episodes: env.selection_episodes(), divisions: 4, sweeps: 1, moves: 2 };
    let mut run = |p: &mut dyn WeightPolicy, e: usize| env.selection_return(p, &lambda, e);
    let found = search(start, &table, &mut run)?;
    let selection = take(&recorder);
    assert!(!selection.is_empty() && !evaluation.is_empty());
    let shared: Vec<_> = selection.intersection(&evaluation).collect();
    assert!(shared.is_empty(), "requests of both: {shared:?}");
    assert!(found.returns.iter().sum::<f64>() >= found.start_returns.iter().sum::<f64>());
    // The grid's selection episodes are not the table's either.
    env.selection_score(&mut uniform, &lambda)?;
    assert!(take(&recorder).is_disjoint(&selection));
    Ok(())
}

#[test]
fn a_selection_episode_returns_the_same_for_the_same_answers_and_is_bounded() -> TestResult {
    let settings = rl();
    let (mut env, _) = stage(&settings)?;
    let lambda = vec![1.0, 1.0, 1.0];
    let mut p = StaticWeights::uniform(3, env.state_dim());
    let a: Vec<u64> = (0..5)
        .map(|e| env.selection_return(&mut p, &lambda, e).map(f64::to_bits))
        .collect::<Result<_, _>>()?;
    let b: Vec<u64> = (0..5)
        .rev()
        .map(|e| env.selection_return(&mut p, &lambda, e).map(f64::to_bits))
        .collect::<Result<_, _>>()?;
    assert_eq!(a, b.into_iter().rev().collect::<Vec<_>>(), "each episode alone, in any order");
    assert!(env.selection_return(&mut p, &lambda, settings.segment_hour_episodes).is_err());
    Ok(())
}

/// A policy that answers `w` and fails the test on a state of an hour past 11.
struct MorningOnly(Vec<f32>);

impl WeightPolicy for MorningOnly {
    fn name(&self) -> &str {
        "morning"
    }
    fn n_objectives(&self) -> usize {
        2
    }
    fn state_dim(&self) -> usize {
        8
    }
    fn act(&mut self, states: &Array2<f32>, _explore: bool) -> deepprl_models::Result<Array2<f32>> {
        for s in states.rows() {
            let hour = (f64::from(s[0]).atan2(f64::from(s[1])) / std::f64::consts::TAU * 24.0)
                .round()
                .rem_euclid(24.0);
            assert!(hour < 12.0, "a request of the test slice (hour {hour})");
        }
        Ok(Array2::from_shape_fn((states.nrows(), 2), |(_, k)| self.0[k]))
    }
    fn update(&mut self, _batch: &Transitions) -> deepprl_models::Result<f64> {
        Ok(0.0)
    }
    fn save(&self, _path: &Path) -> deepprl_models::Result<()> {
        Ok(())
    }
    fn load(&mut self, _path: &Path) -> deepprl_models::Result<()> {
        Ok(())
    }
}

/// Two candidates per request, the first paying objective 0 and the second objective 1, each
/// scored by its truth; users 0 and 1 of segments 0 and 1.
fn request(user: usize, hour: u8, pay: f32) -> LoggedRequest {
    LoggedRequest {
        user,
        hour,
        scores: vec![vec![1.0, -1.0], vec![-1.0, 1.0]],
        outcomes: vec![vec![pay, 0.0], vec![0.0, 1.0]],
        ..LoggedRequest::default()
    }
}

#[test]
fn on_logged_data_a_selection_episode_is_a_validation_users_requests() -> TestResult {
    let features = vec![vec![1.0, 0.0], vec![0.0, 1.0]];
    let valid = vec![vec![request(0, 3, 2.0), request(0, 9, 3.0)], vec![request(1, 5, 0.5)]];
    let test = vec![vec![request(0, 15, 1.0)], vec![request(1, 20, 1.0)]];
    let make = |episodes| LoggedReranking::new(episodes, features.clone(), 1, vec![(0.0, 1.0); 2]);
    let settings = RlSettings::default();
    let mut env =
        LoggedStage::new(make(valid)?, make(test)?, &settings, vec!["a".into(), "b".into()]);
    assert_eq!((env.selection_episodes(), env.feature_columns()?), (2, Some(4..6)));
    let lambda = [0.5, 0.5];
    // Weights on objective 0 show the first candidate: 0.5 × (2 + 3) for user 0, 0.5 × 0.5
    // for user 1; on objective 1 the second: 0.5 per request.
    let mut first = MorningOnly(vec![0.9, 0.1]);
    assert_eq!(env.selection_return(&mut first, &lambda, 0)?, 2.5);
    assert_eq!(env.selection_return(&mut first, &lambda, 1)?, 0.25);
    let mut second = MorningOnly(vec![0.1, 0.9]);
    assert_eq!(env.selection_return(&mut second, &lambda, 0)?, 1.0);
    assert!(env.selection_return(&mut first, &lambda, 2).is_err(), "two validation users");
    assert!(env.selection_return(&mut first, &[1.0], 0).is_err(), "λ of another K");
    Ok(())
}
