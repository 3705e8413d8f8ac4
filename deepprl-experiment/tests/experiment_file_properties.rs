//! Property tests of the experiment file (issue #18, point 8): any file assembled from the
//! experiment's keys with hostile values (huge, negative, NaN, infinite, wrong types, nested
//! where a scalar belongs) is read without a panic, and every rejection names the file and
//! either a line and column or the key. `PROPTEST_CASES` sets the number of cases (2,500 by
//! default, what CI runs).

use deepprl_experiment::ExperimentConfig;
use proptest::prelude::*;
use std::path::Path;

/// Keys of every section, with the section they belong to ("" for the top level).
const KEYS: &[(&str, &str)] = &[
    ("", "name"),
    ("", "datasets"),
    ("", "methods"),
    ("", "seeds"),
    ("", "jobs"),
    ("", "highlight"),
    ("rl", "transitions"),
    ("rl", "episodes"),
    ("rl", "envs"),
    ("rl", "updates_per_step"),
    ("rl", "eval_episodes"),
    ("rl", "grid_episodes"),
    ("rl", "grid_divisions"),
    ("rl", "top_n"),
    ("rl", "lambda_grid"),
    ("rl", "snapshots"),
    ("train", "epochs"),
    ("train", "batch_size"),
    ("train", "lr"),
    ("train", "min_lr_ratio"),
    ("moh", "d_embed"),
    ("moh", "d_hyper_hidden"),
    ("moh", "clip_norm"),
    ("moh", "loss_weights"),
    ("moh.sa_time_lstm", "d_hidden"),
    ("moh.optimizer", "lr"),
    ("dcrl", "d_hidden"),
    ("dcrl", "gamma"),
    ("dcrl", "tau"),
    ("dcrl", "noise_start"),
    ("dcrl", "replay_capacity"),
    ("dcrl", "clip_norm"),
    ("dcrl", "lambda"),
    ("dcrl.actor_optimizer", "beta1"),
    ("world", "n_users"),
    ("world", "heterogeneity"),
    ("world", "seed"),
    ("world.log", "days"),
    ("plugins.sb", "d_hidden"),
    ("no_such_section", "x"),
    ("", "no_such_key"),
];

fn value() -> impl Strategy<Value = String> {
    let scalar = prop_oneof![
        any::<i64>().prop_map(|v| v.to_string()),
        (0u64..20).prop_map(|v| v.to_string()),
        Just("9223372036854775807".to_string()),
        Just("18446744073709551615".to_string()),
        any::<f64>().prop_map(|v| format!("{v:?}")),
        prop_oneof![Just("nan"), Just("inf"), Just("-inf"), Just("-0.0"), Just("1e308")]
            .prop_map(String::from),
        "[a-z+=.,0-9 ]{0,12}".prop_map(|s| format!("{s:?}")),
        Just("\"world.heterogeneity=0\"".to_string()),
        Just("\"moh+dcrl\"".to_string()),
        Just("true".to_string()),
        Just("{ a = 1 }".to_string()),
    ];
    scalar.prop_recursive(2, 8, 4, |inner| {
        prop::collection::vec(inner, 0..4).prop_map(|v| format!("[{}]", v.join(", ")))
    })
}

fn file() -> impl Strategy<Value = String> {
    prop::collection::vec((0..KEYS.len(), value()), 0..8).prop_map(|entries| {
        // The top-level keys first, then one header per section with its keys; TOML forbids
        // a key twice, so repeats are part of what is tested.
        let mut sections: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
        for (k, v) in entries {
            let (section, key) = KEYS[k];
            sections.entry(section).or_default().push(format!("{key} = {v}\n"));
        }
        let mut text = String::new();
        for (section, lines) in sections {
            if !section.is_empty() {
                text.push_str(&format!("[{section}]\n"));
            }
            text.extend(lines);
        }
        text
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(2500),
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_experiment_file_is_read_or_rejected_with_its_location(text in file()) {
        match ExperimentConfig::from_toml_str(&text, Path::new("exp.toml")) {
            Ok(config) => {
                // What is accepted is within every range: it validates again and plans.
                prop_assert!(config.validate().is_ok());
                prop_assert!(!config.seeds.list().is_empty());
            }
            Err(e) => {
                let msg = e.to_string();
                prop_assert!(msg.contains("exp.toml: "), "no file in: {}", msg);
                let located = msg.contains("line ") || msg.contains("key `") || msg.contains("section [")
                    || msg.contains("invalid config: `");
                prop_assert!(located, "no line or key in: {}", msg);
            }
        }
    }
}
