//! The ladder's claims: what the knobs switch off, containment, determinism and the true front.

use super::*;
use deepprl_data::world::WorldConfig;

fn world(heterogeneity: f64, long_term: f64) -> World {
    let cfg = WorldConfig {
        n_users: 24,
        n_items: 150,
        heterogeneity,
        long_term,
        ..WorldConfig::default()
    };
    World::new(&cfg).expect("a valid world")
}

fn config() -> LadderConfig {
    LadderConfig { selection_per_user: 4, evaluation_episodes: 480, ..LadderConfig::default() }
}

const UNIFORM: [f64; K] = [1.0 / 3.0; K];

#[test]
fn without_long_term_effects_no_level_beats_lambda() {
    let w = world(1.0, 0.0);
    let cfg = config();
    for lambda in [UNIFORM, [0.6, 0.2, 0.2]] {
        let r = ladder(&w, lambda, &cfg, &mut |_| {});
        let base = &r.level(Level::Lambda).rule;
        for l in &r.levels {
            let d = paired(&w, &l.rule, base, &cfg.evaluation_keys(&w), &r.lambda);
            assert!(d.mean - d.ci <= 0.0, "{} beats λ at {lambda:?}: {d:?}", l.level.name());
        }
    }
}

#[test]
fn with_uniform_tastes_no_contextual_level_beats_the_best_static() {
    let w = world(0.0, 1.0);
    let r = ladder(&w, UNIFORM, &config(), &mut |_| {});
    for level in [Level::PerHour, Level::PerSegmentHour, Level::PerUserHour] {
        let d = r.level(level).diff_to_best_static;
        assert!(d.mean - d.ci <= 0.0, "{} beats best_static: {d:?}", level.name());
    }
}

#[test]
fn each_level_contains_the_one_below_on_selection_episodes() {
    let w = world(1.0, 2.0);
    let r = ladder(&w, [0.2, 0.2, 0.6], &config(), &mut |_| {});
    for pair in r.levels.windows(2) {
        assert!(
            pair[1].selection_return >= pair[0].selection_return,
            "{} {} < {} {}",
            pair[1].level.name(),
            pair[1].selection_return,
            pair[0].level.name(),
            pair[0].selection_return
        );
    }
    // The lift itself changes nothing: a lifted rule gives the same records.
    let keys = keys_cycling(&w, 3, 48);
    for pair in r.levels.windows(2) {
        let lifted = pair[0].rule.lift(pair[1].level, &w);
        assert_eq!(run_all(&w, &lifted, &keys), run_all(&w, &pair[0].rule, &keys));
    }
}

#[test]
fn outcomes_do_not_depend_on_batch_size_or_thread_count() {
    let w = world(1.0, 1.0);
    let rule = Rule::lambda([0.5, 0.25, 0.25]);
    let keys = keys_cycling(&w, 11, 60);
    let whole = run_all(&w, &rule, &keys);
    for batch in [1, 7, 60] {
        let parts: Vec<Record> = keys.chunks(batch).flat_map(|c| run_all(&w, &rule, c)).collect();
        assert_eq!(parts, whole, "batch {batch}");
    }
    let cfg = LadderConfig { evaluation_episodes: 96, selection_per_user: 2, ..config() };
    let on = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("a pool");
        pool.install(|| ladder(&w, UNIFORM, &cfg, &mut |_| {}))
    };
    assert_eq!(on(1), on(2));
}

#[test]
fn no_point_of_the_true_front_is_dominated_by_a_ladder_point() {
    let w = world(1.0, 1.0);
    let cfg = config();
    let lambdas: Vec<[f64; K]> =
        simplex::grid(K, 2).into_iter().map(|l| [l[0], l[1], l[2]]).collect();
    let reports: Vec<LadderReport> =
        lambdas.iter().map(|&l| ladder(&w, l, &cfg, &mut |_| {})).collect();
    let front = front_of(&reports);
    assert_eq!(front.len(), lambdas.len());
    for p in &front {
        for r in &reports {
            for l in &r.levels {
                let beyond = (0..K).all(|k| {
                    l.objectives[k].mean - l.objectives[k].ci > p.value[k].mean + p.value[k].ci
                });
                assert!(
                    !beyond,
                    "{} at {:?} dominates the front at {:?}",
                    l.level.name(),
                    r.lambda,
                    p.lambda
                );
            }
        }
    }
}
