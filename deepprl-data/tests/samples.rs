//! Samples for learning on a hand-checked fixture: splits, vocabularies, statistics,
//! histories, batches and request groups.

mod common;

use deepprl_core::rng::seeded;
use deepprl_data::{Batcher, Dataset, DatasetConfig, Histories, Slice, load, requests};

const CONFIG: &str = r#"
[source]
file = "log.tsv"
delimiter = "\t"
[ids]
user = "user"
item = "item"
[time]
column = "t"
unit = "s"
utc_offset_hours = 1
[context]
derived = ["hour_of_day"]
columns = ["tab"]
[features]
categorical = ["topic"]
numeric = ["length"]
[[objectives]]
name = "click"
column = "click"
kind = "binary"
[[objectives]]
name = "watch_time"
column = "watch"
kind = "continuous"
[split]
valid = 0.25
test = 0.25
[sequence]
history_len = 3
"#;

// Rows in file order are not in time order; after sorting:
// 0: a i1 t=0 | 1: b i2 t=10 | 2: a i2 t=60 | 3: a i3 t=60 | 4: b i1 t=100 | 5: a i4 t=1000
// 6: c i1 t=1100 | 7: a i5 t=1200. Train = 0..4, valid = 4..6, test = 6..8.
const LOG: &str = "user\titem\tt\ttab\ttopic\tlength\tclick\twatch\n\
                   a\ti4\t1000\thome\tx\t5\t1\t2.0\n\
                   a\ti1\t0\thome\tx\t1\t1\t1.0\n\
                   b\ti2\t10\tfeed\ty\t2\t0\t0.5\n\
                   a\ti2\t60\thome\ty\t3\t0\t3.0\n\
                   a\ti3\t60\tfeed\tz\t4\t1\t2.0\n\
                   b\ti1\t100\thome\tx\t1\t1\t9.0\n\
                   c\ti1\t1100\tlive\tx\t1\t0\t9.0\n\
                   a\ti5\t1200\thome\tw\t6\t1\t9.0\n";

fn fixture(config: &str) -> anyhow::Result<Dataset> {
    let dir = common::temp_dir("samples")?;
    let path = common::write(&dir, "fixture.toml", config)?;
    common::write(&dir, "log.tsv", LOG)?;
    Ok(load(&DatasetConfig::from_toml_str(config, &path, None)?)?)
}

#[test]
fn rows_are_sorted_split_and_indexed_from_the_training_slice() -> anyhow::Result<()> {
    let ds = fixture(CONFIG)?;
    assert_eq!(ds.time, [0, 10, 60, 60, 100, 1000, 1100, 1200]);
    assert_eq!(
        (ds.split.train.clone(), ds.split.valid.clone(), ds.split.test.clone()),
        (0..4, 4..6, 6..8)
    );
    // Items i4 and i5 and user c first appear after the training slice: unknown (0).
    let items: Vec<&str> = ds.item.iter().map(|&i| ds.vocabs.items.name(i)).collect();
    assert_eq!(items, ["i1", "i2", "i2", "i3", "i1", "<unk>", "i1", "<unk>"]);
    assert_eq!(ds.user, [1, 2, 1, 1, 2, 1, 0, 1]);
    assert_eq!(ds.user_key[6], 2, "user c keeps its own identity");
    assert_eq!((ds.meta.n_users, ds.meta.n_items), (3, 4));
    assert_eq!((ds.meta.counts.users, ds.meta.counts.items), (3, 5));
    // Context: local hour (UTC+1) stored as hour + 1, then the tab ("live" is unseen: 0).
    assert_eq!(ds.context.column(0).to_vec(), [2; 8]);
    assert_eq!(ds.context.column(1).to_vec(), [1, 2, 1, 2, 1, 1, 0, 1]);
    assert_eq!(ds.meta.context.iter().map(|f| f.cardinality).collect::<Vec<_>>(), [25, 3]);
    Ok(())
}

#[test]
fn statistics_come_from_the_training_slice_only() -> anyhow::Result<()> {
    let ds = fixture(CONFIG)?;
    let s = &ds.meta.stats;
    assert_eq!(s.train_rows, 4);
    // Train clicks 1, 0, 0, 1; watch 1, 0.5, 3, 2 (the 9s are later).
    assert_eq!((s.objectives[0].mean, s.objectives[0].positives), (0.5, Some(2)));
    assert!((s.objectives[1].mean - 1.625).abs() < 1e-12);
    let var = [1.0f64, 0.5, 3.0, 2.0].iter().map(|w| (w - 1.625).powi(2)).sum::<f64>() / 4.0;
    assert!((s.objectives[1].std - var.sqrt()).abs() < 1e-12);
    assert!((s.numeric[0].mean - 2.5).abs() < 1e-12);
    Ok(())
}

#[test]
fn date_and_time_span_splits() -> anyhow::Result<()> {
    let dates = CONFIG.replace(
        "valid = 0.25\ntest = 0.25",
        "method = \"dates\"\nvalid_start = \"1970-01-01 01:01:40\"\ntest_start = \"1970-01-01 01:18:20\"",
    );
    let ds = fixture(&dates)?;
    assert_eq!(
        (ds.split.train.clone(), ds.split.valid.clone(), ds.split.test.clone()),
        (0..4, 4..6, 6..8)
    );
    // Fractions of the span 0..1200 s: test from 900 s, validation from 600 s (empty).
    let span = CONFIG.replace("valid = 0.25", "method = \"time\"\nvalid = 0.25");
    let ds = fixture(&span)?;
    assert_eq!(
        (ds.split.train.clone(), ds.split.valid.clone(), ds.split.test.clone()),
        (0..5, 5..5, 5..8)
    );
    Ok(())
}

#[test]
fn histories_are_the_last_l_interactions_strictly_before_the_target() -> anyhow::Result<()> {
    let ds = fixture(CONFIG)?;
    let h = Histories::new(&ds);
    assert_eq!(h.for_row(&ds, 7), [2, 3, 5]);
    assert_eq!(h.for_row(&ds, 3), [0], "row 2 has the same time as row 3");
    assert!(h.for_row(&ds, 6).is_empty(), "user c has no past");
    let b = h.gather_rows(&ds, &[7, 3, 6]);
    // Left-padded: the most recent step is last.
    assert_eq!(b.items.row(0).to_vec(), [2, 3, 0]);
    assert_eq!(b.dt.row(0).to_vec(), [60.0, 0.0, 940.0]);
    assert_eq!(b.mask.row(0).to_vec(), [1.0, 1.0, 1.0]);
    assert_eq!(b.outcomes.slice(ndarray::s![0, .., 1]).to_vec(), [3.0, 2.0, 2.0]);
    assert_eq!(
        (b.items.row(1).to_vec(), b.mask.row(1).to_vec()),
        (vec![0, 0, 1], vec![0.0, 0.0, 1.0])
    );
    assert_eq!(b.dt.row(1).to_vec(), [0.0, 0.0, 0.0]);
    assert_eq!(b.mask.row(2).to_vec(), [0.0; 3]);
    assert_eq!(b.since_last.to_vec(), [200.0, 60.0, 0.0]);
    Ok(())
}

#[test]
fn batches_cover_the_rows_once_and_shuffle_by_seed() -> anyhow::Result<()> {
    let ds = fixture(CONFIG)?;
    let rows = ds.rows(Slice::Train).chain(ds.rows(Slice::Valid));
    let plain: Vec<Vec<usize>> = Batcher::new(&ds, rows.clone(), 4).map(|b| b.rows).collect();
    assert_eq!(plain, [vec![0, 1, 2, 3], vec![4, 5]]);
    let shuffled = |seed| -> Vec<usize> {
        Batcher::new(&ds, rows.clone(), 4)
            .shuffled(&mut seeded(seed))
            .flat_map(|b| b.rows)
            .collect()
    };
    assert_eq!(shuffled(1), shuffled(1));
    assert!((0..5).any(|s| shuffled(s) != shuffled(s + 1)));
    let mut sorted = shuffled(1);
    sorted.sort_unstable();
    assert_eq!(sorted, [0, 1, 2, 3, 4, 5]);
    let h = Histories::new(&ds);
    let batch = Batcher::new(&ds, ds.rows(Slice::Train), 8).with_histories(&h).next();
    let batch = batch.ok_or_else(|| anyhow::anyhow!("no batch"))?;
    // Numeric features standardised by the training statistics: mean 0 over training rows.
    assert!(batch.numeric.column(0).sum().abs() < 1e-5);
    assert_eq!(batch.outcomes.dim(), (4, 2));
    assert_eq!(batch.history.map(|x| x.items.dim()), Some((4, 3)));
    Ok(())
}

#[test]
fn requests_group_a_users_impressions_within_the_window() -> anyhow::Result<()> {
    let ds = fixture(CONFIG)?;
    let train = requests(&ds, Slice::Train);
    assert_eq!(train.len(), 1, "b's single impression is not a candidate set");
    assert_eq!((train[0].rows.clone(), train[0].start), (vec![0, 2, 3], 0));
    let one = fixture(&format!("{CONFIG}[requests]\nmin_candidates = 1\nwindow_secs = 50\n"))?;
    let starts: Vec<(usize, i64)> =
        requests(&one, Slice::Train).iter().map(|r| (r.rows.len(), r.start)).collect();
    assert_eq!(starts, [(1, 0), (1, 10), (2, 60)]);
    Ok(())
}
