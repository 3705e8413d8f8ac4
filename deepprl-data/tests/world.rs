//! The synthetic world: determinism, the clickbait trade-off, contextual preferences,
//! satisfaction dynamics, and generated logs that load like real ones.

mod common;

use deepprl_core::rng::seeded;
use deepprl_core::simplex;
use deepprl_data::world::{Context, EpisodeKey, K, Key, UserState, World, WorldConfig};
use deepprl_data::{Histories, Slice, load, requests};

#[test]
fn the_world_and_its_logs_are_deterministic_per_seed() -> anyhow::Result<()> {
    let cfg = WorldConfig::small();
    let (a, b) = (World::new(&cfg)?, World::new(&cfg)?);
    assert_eq!(a.users(), b.users());
    assert_eq!(a.items(), b.items());
    assert_eq!(a.generate(&mut seeded(5)), b.generate(&mut seeded(5)));
    assert_ne!(a.generate(&mut seeded(5)), a.generate(&mut seeded(6)));
    let other = World::new(&WorldConfig { seed: 1, ..cfg })?;
    assert_ne!(a.items(), other.items());
    Ok(())
}

#[test]
fn clickbait_items_have_higher_click_and_lower_watch_time_in_expectation() -> anyhow::Result<()> {
    let world = World::new(&WorldConfig::small())?;
    let mut by_cb: Vec<usize> = (0..world.items().len()).collect();
    by_cb.sort_by(|&a, &b| world.items()[a].clickbait.total_cmp(&world.items()[b].clickbait));
    let quarter = by_cb.len() / 4;
    let mean = |items: &[usize]| {
        let mut m = [0.0; K];
        let mut n = 0.0;
        for user in 0..world.users().len() {
            for hour in (0..24).step_by(3) {
                for &i in items {
                    let y = world.expected(user, Context { hour, satisfaction: 0.0 }, i);
                    (0..K).for_each(|k| m[k] += y[k]);
                    n += 1.0;
                }
            }
        }
        m.map(|v| v / n)
    };
    let (low, high) = (mean(&by_cb[..quarter]), mean(&by_cb[by_cb.len() - quarter..]));
    println!("least clickbait quarter {low:?}, most clickbait quarter {high:?}");
    assert!(high[0] > low[0] + 0.05, "click: {} vs {}", high[0], low[0]);
    assert!(high[2] < low[2] - 0.05, "watch time: {} vs {}", high[2], low[2]);
    // Same item, only its clickbait-ness changed: the same direction for every user.
    let mut items = world.items().to_vec();
    items[0].clickbait = (items[0].clickbait + 0.3).min(1.0);
    let twin = World::from_population(
        world.config(),
        world.segments().to_vec(),
        world.users().to_vec(),
        items,
    )?;
    let ctx = Context { hour: 12, satisfaction: 0.0 };
    let base: Vec<_> = (0..world.users().len()).map(|u| world.expected(u, ctx, 0)).collect();
    for (u, b) in base.iter().enumerate() {
        let t = twin.expected(u, ctx, 0);
        assert!(t[0] > b[0] && t[2] < b[2], "user {u}: {b:?} -> {t:?}");
    }
    Ok(())
}

#[test]
fn best_fixed_weights_differ_between_hours_for_most_users() -> anyhow::Result<()> {
    let world = World::new(&WorldConfig::small())?;
    let grid = simplex::grid(K, 10);
    let candidates: Vec<usize> = (0..world.items().len()).collect();
    let hours: Vec<u32> = (0..24).step_by(3).collect();
    let mut differ = 0;
    for user in 0..world.users().len() {
        let best: Vec<Vec<f64>> = hours
            .iter()
            .map(|&hour| {
                world
                    .best_weights(user, Context { hour, satisfaction: 0.0 }, &candidates, &grid, 5)
                    .weights
            })
            .collect();
        differ += usize::from(best.iter().any(|w| *w != best[0]));
    }
    let n = world.users().len();
    println!("{differ} of {n} users have different best weights at two hours");
    assert!(2 * differ > n, "{differ} of {n}");
    Ok(())
}

#[test]
fn what_a_user_is_shown_changes_their_satisfaction_and_chance_to_leave() -> anyhow::Result<()> {
    let world = World::new(&WorldConfig::small())?;
    let mut by_cb: Vec<usize> = (0..world.items().len()).collect();
    by_cb.sort_by(|&a, &b| world.items()[a].clickbait.total_cmp(&world.items()[b].clickbait));
    let (honest, bait) = (&by_cb[..5], &by_cb[by_cb.len() - 5..]);
    let (mut s_honest, mut s_bait) = (0.0, 0.0);
    for user in 0..world.users().len() {
        for (slate, total) in [(honest, &mut s_honest), (bait, &mut s_bait)] {
            let mut state = UserState::new(user, 1_704_110_400, 0.0);
            for step in 0..10 {
                let key = Key { seed: 0, user: user as u64, episode: 0, day: 0, step, slot: 0 };
                world.step(&mut state, slate, key);
            }
            *total += state.satisfaction;
        }
    }
    println!(
        "mean satisfaction after 10 honest slates {s_honest:.3}, clickbait slates {s_bait:.3}"
    );
    assert!(s_bait < s_honest);
    assert!(world.leave_probability(s_bait / 60.0) > world.leave_probability(s_honest / 60.0));
    assert!(world.return_probability(s_bait / 60.0) < world.return_probability(s_honest / 60.0));
    // Satisfaction feeds back into the next clicks and watch time.
    let ctx = |satisfaction| Context { hour: 20, satisfaction };
    let (low, high) = (world.expected(0, ctx(-1.0), 0), world.expected(0, ctx(1.0), 0));
    assert!(low[0] < high[0] && low[2] < high[2]);
    Ok(())
}

#[test]
fn expected_outcomes_match_the_sampled_means() -> anyhow::Result<()> {
    let world = World::new(&WorldConfig::small())?;
    let mut rng = seeded(11);
    let n = 40_000;
    for (user, item, hour) in [(0, 0, 3), (7, 42, 12), (30, 150, 21)] {
        let ctx = Context { hour, satisfaction: 0.3 };
        let expected = world.expected(user, ctx, item);
        let mut mean = [0.0; K];
        for _ in 0..n {
            let y = world.sample(user, ctx, item, &mut rng).outcome();
            (0..K).for_each(|k| mean[k] += y[k] / n as f64);
        }
        // Four standard errors of a mean of values with std at most 2.
        for k in 0..K {
            assert!(
                (mean[k] - expected[k]).abs() < 4.0 * 2.0 / (n as f64).sqrt(),
                "{k}: {mean:?} vs {expected:?}"
            );
        }
    }
    Ok(())
}

#[test]
fn the_pareto_front_is_non_dominated_and_spans_the_trade_off() -> anyhow::Result<()> {
    let world = World::new(&WorldConfig::small())?;
    let candidates: Vec<usize> = (0..100).collect();
    let users: Vec<usize> = (0..20).collect();
    let front = world.pareto_front(&users, &[8, 20], &candidates, &simplex::grid(K, 10), 5);
    assert!(front.len() >= 3, "{} points", front.len());
    for a in &front {
        for b in &front {
            let dominates =
                (0..K).all(|k| a.value[k] >= b.value[k]) && (0..K).any(|k| a.value[k] > b.value[k]);
            assert!(!dominates, "{a:?} dominates {b:?}");
        }
    }
    let best_click = front.iter().map(|p| p.value[0]).fold(f64::MIN, f64::max);
    let best_watch = front.iter().map(|p| p.value[2]).fold(f64::MIN, f64::max);
    let at_best_click = front.iter().find(|p| p.value[0] == best_click).map(|p| p.value[2]);
    assert!(at_best_click.is_some_and(|w| w < best_watch), "click and watch time conflict");
    Ok(())
}

#[test]
fn a_generated_log_loads_and_splits_like_a_real_one() -> anyhow::Result<()> {
    let world = World::new(&WorldConfig::small())?;
    let log = world.generate(&mut seeded(2));
    let memory = log.to_dataset(&world)?;
    let dir = common::temp_dir("world-log")?;
    let config = log.write(&world, &dir)?;
    let loaded = load(&deepprl_data::DatasetConfig::from_toml_str(
        &std::fs::read_to_string(&config)?,
        &config,
        None,
    )?)?;
    assert!(loaded.len() > 1000, "{} rows", loaded.len());
    assert_eq!((loaded.len(), loaded.split.clone()), (memory.len(), memory.split.clone()));
    assert_eq!(loaded.time, memory.time);
    assert_eq!(loaded.outcomes, memory.outcomes);
    assert_eq!(loaded.numeric, memory.numeric);
    assert_eq!(loaded.context, memory.context);
    // The `segment` feature: each row's raw value is its user's segment.
    let seg = loaded.meta.categorical.iter().position(|f| f.name == "segment");
    let seg = seg.expect("a segment feature");
    for r in 0..loaded.len() {
        let raw = |ds: &deepprl_data::Dataset, row: usize| {
            ds.vocabs.categorical[seg].name(ds.categorical[[row, seg]]).to_owned()
        };
        let user: usize = memory.vocabs.users.name(memory.user[r]).parse()?;
        assert_eq!(raw(&memory, r), world.users()[user].segment.to_string(), "row {r}");
        if loaded.categorical[[r, seg]] != 0 {
            assert_eq!(raw(&loaded, r), raw(&memory, r), "row {r}");
        }
    }
    assert_eq!(loaded.meta.stats, memory.meta.stats);
    assert_eq!(loaded.meta.objectives, memory.meta.objectives);
    assert_eq!(
        (loaded.meta.counts.users, loaded.meta.counts.items),
        (memory.meta.counts.users, memory.meta.counts.items)
    );
    // Same raw ids row by row (the loaded vocabularies come from its training slice, where the
    // generated one knows the whole catalogue).
    for r in 0..loaded.len() {
        let (lu, li) = (loaded.user[r], loaded.item[r]);
        if lu != 0 {
            assert_eq!(loaded.vocabs.users.name(lu), memory.vocabs.users.name(memory.user[r]));
        }
        if li != 0 {
            assert_eq!(loaded.vocabs.items.name(li), memory.vocabs.items.name(memory.item[r]));
        }
    }
    // Split like a real log: time order, validation after train, test after validation.
    assert!(loaded.time.windows(2).all(|w| w[0] <= w[1]));
    let last = |s| loaded.time[loaded.rows(s).end - 1];
    let first = |s| loaded.time[loaded.rows(s).start];
    assert!(last(Slice::Train) <= first(Slice::Valid) && last(Slice::Valid) <= first(Slice::Test));
    let test_requests = requests(&loaded, Slice::Test);
    assert!(!test_requests.is_empty());
    let histories = Histories::new(&loaded);
    let r = loaded.rows(Slice::Test).start;
    assert!(
        histories.for_row(&loaded, r).iter().all(|&h| loaded.time[h as usize] < loaded.time[r])
    );
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

#[test]
fn long_term_zero_cuts_every_effect_of_satisfaction() -> anyhow::Result<()> {
    let world = World::new(&WorldConfig { long_term: 0.0, ..WorldConfig::small() })?;
    for s in [-1.0, 0.0, 0.8, 2.0] {
        assert_eq!(world.leave_probability(s), world.leave_probability(0.0));
        assert_eq!(world.return_probability(s), world.return_probability(0.0));
        let ctx = |satisfaction| Context { hour: 20, satisfaction };
        assert_eq!(world.expected(3, ctx(s), 7), world.expected(3, ctx(0.0), 7));
    }
    // With effects, higher satisfaction means staying and coming back.
    let world = World::new(&WorldConfig::small())?;
    assert!(world.leave_probability(1.0) < world.leave_probability(0.0));
    assert!(world.return_probability(1.0) > world.return_probability(0.0));
    Ok(())
}

#[test]
fn episodes_span_days_and_meet_the_same_draws_under_other_weights() -> anyhow::Result<()> {
    let world = World::new(&WorldConfig::small())?;
    let days = world.config().episode_days;
    let (mut sessions, mut first_differs) = (0, 0);
    for user in 0..world.users().len() {
        let key = EpisodeKey { seed: 4, user, episode: 0 };
        let (a, b) = (world.begin(key), world.begin(key));
        assert_eq!(a.candidates(), b.candidates(), "the same first request");
        let by_click = world.run_episode(key, |_| [1.0, 0.0, 0.0]);
        let by_watch = world.run_episode(key, |_| [0.0, 0.0, 1.0]);
        assert!(by_click.sessions <= days && by_click.steps >= by_click.sessions);
        sessions += by_click.sessions;
        first_differs += usize::from(by_click != by_watch);
        // Rewards are scaled, not centred: nothing is negative.
        assert!(by_click.discounted.iter().chain(&by_watch.discounted).all(|&v| v >= 0.0));
    }
    let n = world.users().len();
    assert!(sessions > n, "users come back on later days: {sessions} sessions for {n} users");
    assert!(first_differs > n / 2, "the weights matter: {first_differs} of {n} differ");
    Ok(())
}
