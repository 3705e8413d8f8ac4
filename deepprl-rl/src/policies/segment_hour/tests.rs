//! The table reads the right cell; the search only takes significant moves, re-runs only the
//! episodes a move can change, never ends worse than it starts and is deterministic, on a
//! synthetic runner and on the small world.

use super::*;
use crate::env::{Simulator, SimulatorConfig};
use crate::ladder::HOUR_BUCKETS;
use crate::rollout;
use deepprl_data::world::{World, WorldConfig};
use deepprl_models::WeightPolicy;
use ndarray::Array2;
use std::collections::HashSet;

type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

/// A state `[hour sin, hour cos, weekday sin, weekday cos | one-hot of 3 | step, day]` as the
/// environments write it, with segment `segment` set (none for 3).
fn state(hour: usize, segment: usize) -> Vec<f32> {
    let angle = hour as f32 / 24.0 * std::f32::consts::TAU;
    let mut s = vec![angle.sin(), angle.cos(), 0.3, 0.9, 0.0, 0.0, 0.0, 0.25, 0.5];
    if segment < 3 {
        s[4 + segment] = 1.0;
    }
    s
}

fn table() -> crate::Result<SegmentHourWeights> {
    SegmentHourWeights::new("gsh", &[1.0, 1.0, 2.0], 9, 0, Some(4..7))
}

#[test]
fn each_state_gets_the_weights_of_its_segment_and_hour_bucket() -> TestResult {
    let mut t = table()?;
    assert_eq!((t.n_segments(), t.n_cells()), (4, 4 * HOUR_BUCKETS));
    assert_eq!(t.weights(0), &[0.25, 0.25, 0.5], "the start, normalised");
    for c in 0..t.n_cells() {
        t.set_weights(c, &[c as f32 + 1.0, 1.0, 0.0])?;
    }
    let mut rows = Vec::new();
    let mut want = Vec::new();
    for segment in 0..4 {
        for hour in 0..24 {
            rows.extend(state(hour, segment));
            let c = segment * HOUR_BUCKETS + hour / 4;
            want.push(vec![(c as f32 + 1.0) / (c as f32 + 2.0), 1.0 / (c as f32 + 2.0), 0.0]);
        }
    }
    let states = Array2::from_shape_vec((want.len(), 9), rows)?;
    let got = t.act(&states, false)?;
    for (i, w) in want.iter().enumerate() {
        assert_eq!(got.row(i).to_vec(), *w, "row {i}");
    }
    // The bucket edges: 00:00–03:59 is bucket 0, 04:00 bucket 1, 23:00 the last.
    let cell = |h, s| t.cell_of(&state(h, s));
    assert_eq!((cell(0, 0)?, cell(3, 0)?, cell(4, 0)?, cell(23, 0)?), (0, 0, 1, 5));
    assert_eq!((cell(23, 2)?, cell(12, 3)?), (2 * 6 + 5, 3 * 6 + 3), "no segment set: the last");
    // Without segment columns the table is per hour only.
    let per_hour = SegmentHourWeights::new("gsh", &[1.0, 0.0, 0.0], 9, 0, None)?;
    assert_eq!(per_hour.n_cells(), HOUR_BUCKETS);
    assert_eq!((per_hour.cell_of(&state(22, 1))?, per_hour.cell_of(&state(5, 0))?), (5, 1));
    Ok(())
}

#[test]
fn bad_states_and_settings_are_errors() -> TestResult {
    let mut t = table()?;
    assert!(matches!(t.cell_of(&state(3, 0)[..8]), Err(crate::Error::Shape(_))), "too short");
    let mut nan = state(3, 0);
    nan[1] = f32::NAN;
    assert!(matches!(t.cell_of(&nan), Err(crate::Error::Shape(_))));
    let mut origin = state(3, 0);
    origin[..2].copy_from_slice(&[0.0, 0.0]);
    assert!(t.cell_of(&origin).is_err(), "(0, 0) is no hour");
    assert!(t.act(&Array2::zeros((2, 8)), false).is_err(), "a batch of the wrong width");
    assert!(
        SegmentHourWeights::new("gsh", &[1.0, 0.0], 9, 8, None).is_err(),
        "hour past the state"
    );
    assert!(SegmentHourWeights::new("gsh", &[1.0, 0.0], 9, 0, Some(7..10)).is_err());
    assert!(SegmentHourWeights::new("gsh", &[1.0, 0.0], 9, 0, Some(4..4)).is_err());
    assert!(SegmentHourWeights::new("gsh", &[-1.0, 2.0], 9, 0, None).is_err());
    assert!(SegmentHourWeights::new("gsh", &[0.0, 0.0], 9, 0, None).is_err());
    assert!(t.set_weights(t.n_cells(), &[1.0, 0.0, 0.0]).is_err(), "no such cell");
    assert!(t.set_weights(0, &[1.0, 0.0]).is_err(), "K = 3");
    Ok(())
}

#[test]
fn a_saved_table_loads_bit_for_bit_and_a_foreign_file_is_rejected() -> TestResult {
    let dir = std::env::temp_dir().join(format!("deepprl-rl-gsh-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let mut t = table()?;
    t.set_weights(7, &[0.1, 0.7, 0.2])?;
    t.set_weights(23, &[1.0, 0.0, 3.0])?;
    let path = dir.join("table.csv");
    t.save(&path)?;
    let mut back = table()?;
    back.load(&path)?;
    let bits = |t: &SegmentHourWeights| -> Vec<u32> {
        (0..t.n_cells()).flat_map(|c| t.weights(c).iter().map(|w| w.to_bits())).collect()
    };
    assert_eq!(bits(&back), bits(&t));
    let text = std::fs::read_to_string(&path)?;
    assert!(text.starts_with("0,0,0.25,0.25,0.5\n"), "{text}");
    let mut per_hour = SegmentHourWeights::new("gsh", &[1.0, 0.0, 0.0], 9, 0, None)?;
    assert!(per_hour.load(&path).is_err(), "another shape");
    std::fs::write(&path, text.replace("0,0,0.25", "0,1,0.25"))?;
    assert!(back.load(&path).is_err(), "cells out of order");
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

/// A tiny deterministic hash to `[-0.5, 0.5)`.
fn noise(a: u64, b: u64) -> f64 {
    let mut x = a.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ b.wrapping_add(0xD1B5_4A32_D192_ED03);
    x ^= x >> 31;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 29;
    (x >> 11) as f64 / (1u64 << 53) as f64 - 0.5
}

/// Episode `e`: a user of segment `e % 3` with three requests at hours `(5e + 7t) % 24`.
fn requests(e: usize) -> Array2<f32> {
    let rows: Vec<f32> = (0..3).flat_map(|t| state((5 * e + 7 * t) % 24, e % 3)).collect();
    Array2::from_shape_vec((3, 9), rows).expect("3 states")
}

/// Each request pays the weight of objective `e % 3` (the segment's favourite), scaled by
/// the episode, plus noise that depends on the weights.
fn favourite(p: &mut dyn WeightPolicy, e: usize) -> crate::Result<f64> {
    let w = p.act(&requests(e), false)?;
    let scale = 1.0 + 0.5 * noise(e as u64, 1);
    Ok(w.rows()
        .into_iter()
        .map(|w| {
            let bits = w.iter().fold(0u64, |h, v| h.rotate_left(7) ^ u64::from(v.to_bits()));
            scale * f64::from(w[e % 3]) + 0.05 * noise(e as u64, bits)
        })
        .sum())
}

const SETTINGS: TableSearch = TableSearch { episodes: 120, divisions: 4, sweeps: 2, moves: 4 };

#[test]
fn the_search_finds_each_segments_favourite_and_never_ends_worse() -> TestResult {
    let start = SegmentHourWeights::new("gsh", &[0.5, 0.25, 0.25], 9, 0, Some(4..7))?;
    let found = search(start.clone(), &SETTINGS, &mut favourite)?;
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    assert!(mean(&found.returns) > mean(&found.start_returns) + 0.5, "{found:?}");
    for segment in 0..3 {
        for b in 0..HOUR_BUCKETS {
            let c = segment * HOUR_BUCKETS + b;
            let w = found.table.weights(c);
            assert_eq!(w[segment], 1.0, "segment {segment}, bucket {b}: {w:?}");
        }
    }
    // The fourth segment (no value) is never visited: it keeps the start.
    for c in 3 * HOUR_BUCKETS..4 * HOUR_BUCKETS {
        assert_eq!((found.table.weights(c), found.cell_episodes[c]), (start.weights(c), 0));
    }
    // Each of the 120 episodes makes 3 requests, in 2 or 3 distinct buckets.
    let visits: usize = found.cell_episodes.iter().sum();
    assert!((240..=360).contains(&visits), "{:?}", found.cell_episodes);
    // Same runner, same table, bit for bit.
    let again = search(start, &SETTINGS, &mut favourite)?;
    let bits = |t: &SegmentHourWeights| -> Vec<u32> {
        (0..t.n_cells()).flat_map(|c| t.weights(c).iter().map(|w| w.to_bits())).collect()
    };
    assert_eq!(bits(&again.table), bits(&found.table));
    assert_eq!((again.moves, again.episode_runs), (found.moves, found.episode_runs));
    Ok(())
}

#[test]
fn a_gain_on_one_episode_alone_is_not_taken_and_unchanged_episodes_are_not_rerun() -> TestResult {
    let start = SegmentHourWeights::new("gsh", &[0.5, 0.25, 0.25], 9, 0, Some(4..7))?;
    let first = start.weights(0).to_vec();
    let mut seen = HashSet::new();
    let mut lopsided = |p: &mut dyn WeightPolicy, e: usize| -> crate::Result<f64> {
        let w = p.act(&requests(e), false)?;
        // Only a re-run for a cell this episode visits may answer anything but the start.
        let answers_start = w.rows().into_iter().all(|w| w.to_vec() == first);
        assert!(seen.insert(e) || !answers_start, "episode {e} re-run under the start");
        // Any move away from the start pays 10 in episode 0 and costs 0.01 elsewhere: more in
        // sum, but on one episode only.
        let moved: f64 =
            w.iter().zip(first.iter().cycle()).map(|(&a, &b)| f64::from((a - b).abs())).sum();
        Ok(if e == 0 { 10.0 * moved } else { -0.01 * moved })
    };
    let found = search(start.clone(), &SETTINGS, &mut lopsided)?;
    assert_eq!(found.moves, 0);
    assert_eq!(found.table, start);
    assert_eq!(found.returns, found.start_returns);
    assert!(found.episode_runs > SETTINGS.episodes, "moves were tried");
    Ok(())
}

#[test]
fn a_start_off_the_lattice_is_an_error() -> TestResult {
    let start = SegmentHourWeights::new("gsh", &[0.4, 0.3, 0.3], 9, 0, Some(4..7))?;
    let err = search(start, &SETTINGS, &mut favourite).unwrap_err();
    assert!(err.to_string().contains("simplex grid of 4 divisions"), "{err}");
    let start = table()?;
    assert!(search(start, &TableSearch { episodes: 0, ..SETTINGS }, &mut favourite).is_err());
    Ok(())
}

/// The small world with the segment one-hot as user features; `runner(λ)` is the discounted
/// λ-return of selection episode `e`, the first episode of seed `7000 + e`.
fn world_sim(long_term: f64) -> crate::Result<Simulator> {
    let cfg = WorldConfig { n_users: 24, n_items: 150, long_term, ..WorldConfig::small() };
    let world = World::new(&cfg).map_err(|e| crate::Error::config("world", e.to_string()))?;
    let n = world.segments().len();
    let features = world
        .users()
        .iter()
        .map(|u| (0..n).map(|s| if s == u.segment { 1.0 } else { 0.0 }).collect())
        .collect();
    let sim_cfg = SimulatorConfig::from_world(&world);
    Simulator::new(world, sim_cfg, features)
}

fn runner(
    env: &mut Simulator,
    lambda: &[f32],
) -> impl FnMut(&mut dyn WeightPolicy, usize) -> crate::Result<f64> {
    let (max_steps, gamma) = (env.config().max_steps, env.world().config().gamma_eval);
    let lambda = lambda.to_vec();
    move |p: &mut dyn WeightPolicy, e: usize| {
        let ev = rollout::evaluate(env, p, 1, max_steps, gamma, &lambda, 7000 + e as u64, false)?;
        Ok(ev.episode_returns[0])
    }
}

fn world_start(env: &Simulator, w: &[f32]) -> crate::Result<SegmentHourWeights> {
    let l = env.layout();
    let user = l.user.clone().ok_or_else(|| crate::Error::config("layout", "no user part"))?;
    SegmentHourWeights::new("gsh", w, l.dim, 0, Some(user))
}

const WORLD: TableSearch = TableSearch { episodes: 48, divisions: 4, sweeps: 1, moves: 2 };

#[test]
fn in_the_world_the_search_never_ends_worse_and_repeats_itself() -> TestResult {
    let mut env = world_sim(1.0)?;
    let lambda = [0.25, 0.25, 0.5];
    let start = world_start(&env, &lambda)?;
    let found = search(start.clone(), &WORLD, &mut runner(&mut env, &lambda))?;
    let sum = |v: &[f64]| v.iter().sum::<f64>();
    assert!(found.moves > 0, "the world has something to find at λ = {lambda:?}");
    assert!(sum(&found.returns) >= sum(&found.start_returns), "{found:?}");
    // The returns it reports are the table's: a fresh run of every episode gives them again.
    {
        let mut check = runner(&mut env, &lambda);
        let mut table = found.table.clone();
        for (e, r) in found.returns.iter().enumerate() {
            assert_eq!(check(&mut table, e)?.to_bits(), r.to_bits(), "episode {e}");
        }
    }
    let again = search(start, &WORLD, &mut runner(&mut env, &lambda))?;
    assert_eq!(again, found);
    Ok(())
}

#[test]
fn in_a_world_without_long_term_effects_the_search_keeps_w_equal_lambda() -> TestResult {
    // With the true scorer and no long-term effects, `w = λ` is optimal (docs/DESIGN.md §3.5):
    // no move may pass the gate.
    let mut env = world_sim(0.0)?;
    let lambda = [0.5, 0.25, 0.25];
    let start = world_start(&env, &lambda)?;
    let found = search(start.clone(), &WORLD, &mut runner(&mut env, &lambda))?;
    assert_eq!((found.moves, &found.table), (0, &start));
    assert!(found.episode_runs > WORLD.episodes, "moves were tried");
    Ok(())
}
