//! Training across ranks (threads standing in for MPI ranks) gives the one-process parameters.

use crate::Predictor;
use crate::batch::Batch;
use crate::moh::{MohConfig, MohPredictor};
use crate::testing::{random_batch, tiny_schema};
use deepprl_core::Parameterized;
use deepprl_core::distributed::{ShardExchange, ThreadExchange};
use deepprl_core::rng::seeded;
use std::sync::Arc;

fn config(n_shards: usize) -> MohConfig {
    let mut c = MohConfig { d_embed: 3, rank: 2, d_tower: 4, n_shards, ..MohConfig::default() };
    c.sa_time_lstm.d_hidden = 3;
    c
}

/// Batches of 7 rows, then one of 2 (fewer rows than shards: some shards are empty).
fn batches() -> Vec<Batch> {
    let schema = tiny_schema(2, 3);
    let rng = &mut seeded(5);
    [7, 7, 7, 2].iter().map(|&n| random_batch(&schema, n, rng)).collect()
}

/// Every parameter's bits after training `predictor` on `batches`.
fn train(mut p: MohPredictor, batches: &[Batch]) -> (Vec<u64>, Vec<u32>) {
    let losses = batches.iter().map(|b| p.train_step(b).expect("step").to_bits()).collect();
    let mut bits = Vec::new();
    p.model.visit_params(&mut |_, a| bits.extend(a.iter().map(|v| v.to_bits())));
    (losses, bits)
}

fn fresh(n_shards: usize, seed: u64) -> MohPredictor {
    MohPredictor::new(&config(n_shards), &tiny_schema(2, 3), seed).expect("valid")
}

#[test]
fn moh_trained_across_ranks_has_the_one_process_parameters_bit_for_bit() {
    let batches = batches();
    for n_shards in [1, 3, 4] {
        let one = train(fresh(n_shards, 9), &batches);
        for ranks in [2, 3, 5] {
            let group = ThreadExchange::group(ranks);
            let runs: Vec<_> = std::thread::scope(|s| {
                let handles: Vec<_> = group
                    .into_iter()
                    .map(|ex| {
                        let batches = &batches;
                        s.spawn(move || {
                            let mut p = fresh(n_shards, 9);
                            p.distribute(Arc::new(ex)).expect("same model everywhere");
                            train(p, batches)
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().expect("rank")).collect()
            });
            for (rank, run) in runs.iter().enumerate() {
                assert!(*run == one, "{n_shards} shards, rank {rank} of {ranks}");
            }
        }
    }
    // Different shard counts give different parameters, so the comparison above can fail.
    assert!(train(fresh(1, 9), &batches) != train(fresh(4, 9), &batches));
}

#[test]
fn ranks_that_built_different_models_are_refused() {
    let group = ThreadExchange::group(2);
    let errors: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = group
            .into_iter()
            .map(|ex| {
                s.spawn(move || {
                    let seed = ex.rank() as u64; // each rank initialised from another seed
                    let mut p = fresh(2, seed);
                    p.distribute(Arc::new(ex)).unwrap_err().to_string()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("rank")).collect()
    });
    assert!(errors[0].contains("rank 1 built another moh model than rank 0"), "{}", errors[0]);
    assert!(errors[1].contains("rank 0 built another moh model than rank 1"), "{}", errors[1]);
    assert!(errors[0].contains("distributed"), "names the key: {}", errors[0]);
}
