//! Determinism: the same seed gives bit-identical parameters whatever the thread count, because
//! data-parallel gradients come from a fixed number of shards summed in shard order.

use deepprl_core::layers::{Embedding, EmbeddingConfig, Layer, Mlp, MlpConfig};
use deepprl_core::ops::{bce_with_logits, concat};
use deepprl_core::optim::{Adam, AdamConfig};
use deepprl_core::parallel::{sharded_grads, with_threads};
use deepprl_core::rng::seeded;
use deepprl_core::{Parameterized, composite_params, init};
use ndarray::{Array2, s};
use ndarray_rand::rand::Rng;

/// An embedding (sparse gradients) feeding an MLP (dense gradients).
#[derive(Clone, Debug, PartialEq)]
struct Model<F> {
    emb: Embedding<F>,
    mlp: Mlp<F>,
}

composite_params!(Model, ModelGrads { emb: Embedding<F>, mlp: Mlp<F> });

struct Data {
    ids: Vec<usize>,
    dense: Array2<f32>,
    y: Array2<f32>,
}

fn data(seed: u64) -> Data {
    let rng = &mut seeded(seed);
    let ids: Vec<usize> = (0..256).map(|_| rng.random_range(0..50)).collect();
    let dense: Array2<f32> = init::uniform((256, 4), 1.0, rng);
    let y = Array2::from_shape_fn((256, 1), |(b, _)| {
        f32::from(u8::from(ids[b].is_multiple_of(2) ^ (dense[[b, 0]] > 0.0)))
    });
    Data { ids, dense, y }
}

fn train(n_threads: usize, steps: usize) -> Model<f32> {
    let rng = &mut seeded(7);
    let mut model = Model {
        emb: EmbeddingConfig::new(50, 8).init(rng).expect("valid"),
        mlp: MlpConfig::new(12, &[32, 16], 1).init(rng).expect("valid"),
    };
    let d = data(3);
    let mut adam = Adam::new(AdamConfig { lr: 1e-2, ..AdamConfig::default() });
    let batch = d.ids.len();
    with_threads(n_threads, || {
        for _ in 0..steps {
            let (_loss, grads) = sharded_grads(batch, 4, |r| {
                let (e, ec) = model.emb.forward(&d.ids[r.clone()]);
                let x = concat::forward(&[e.view(), d.dense.slice(s![r.clone(), ..])]);
                let (logits, mc) = model.mlp.forward(x.view());
                let (loss, bc) =
                    bce_with_logits::forward(logits.view(), d.y.slice(s![r, ..]), None);
                let mut g = model.zero_grads();
                let dx = model.mlp.backward(
                    &mc,
                    bce_with_logits::backward(&bc, 1.0 / batch as f32).view(),
                    &mut g.mlp,
                );
                model.emb.backward(&ec, dx.slice(s![.., ..8]), &mut g.emb);
                (loss, g)
            });
            adam.step(&mut model, &grads);
        }
    });
    model
}

fn bits(model: &Model<f32>) -> Vec<u32> {
    let mut out = Vec::new();
    model.visit_params(&mut |_, p| out.extend(p.iter().map(|v| v.to_bits())));
    out
}

#[test]
fn fifty_adam_steps_are_bit_identical_with_one_and_two_threads() {
    let one = train(1, 50);
    let two = train(2, 50);
    assert_eq!(bits(&one), bits(&two));
    // And training actually moved the parameters (the test would be vacuous otherwise).
    assert_ne!(bits(&one), bits(&train(1, 0)));
}
