//! Global-norm gradient clipping (PyTorch `clip_grad_norm_`).
//!
//! The norm is over all gradients of a model as one vector; sparse-row gradients count with
//! their coalesced (per-row summed) values, i.e. as the dense gradient they stand for.

use crate::{Float, GradRef, ParamGrads};

/// The L2 norm of all gradients together.
pub fn grad_norm<F: Float, G: ParamGrads<F>>(grads: &G) -> F {
    let mut sum = F::zero();
    grads.visit(&mut |_, g| {
        sum += match g {
            GradRef::Dense(g) => g.iter().map(|&v| v * v).sum(),
            GradRef::Sparse(s) => s.coalesce().1.iter().map(|&v| v * v).sum(),
        };
    });
    sum.sqrt()
}

/// Scales `grads` so that their global norm is at most `max_norm`; returns the norm before
/// clipping. As PyTorch: the factor is `max_norm / (norm + 1e-6)`, applied only when below 1.
pub fn clip_grad_norm<F: Float, G: ParamGrads<F>>(grads: &mut G, max_norm: F) -> F {
    let norm = grad_norm(grads);
    let coef = max_norm / (norm + F::from_f64(1e-6));
    if coef < F::one() {
        grads.scale(coef);
    }
    norm
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Parameterized;
    use crate::layers::{Embedding, EmbeddingConfig, Linear, LinearConfig};
    use crate::rng::seeded;
    use ndarray::array;

    #[test]
    fn norm_and_clip_match_hand_computed_values() {
        // Gradients w = [3], b = [4]: norm 5; clipping to 1 scales by 1 / (5 + 1e-6).
        let lin: Linear<f64> = LinearConfig::new(1, 1).init(&mut seeded(0)).unwrap();
        let mut g = lin.zero_grads();
        g.w.fill(3.0);
        g.b.fill(4.0);
        assert_eq!(clip_grad_norm(&mut g, 1.0), 5.0);
        approx::assert_relative_eq!(g.w[[0, 0]], 3.0 / (5.0 + 1e-6), max_relative = 1e-15);
        // Below the threshold nothing changes.
        let before = g.clone();
        clip_grad_norm(&mut g, 10.0);
        assert_eq!(g, before);
    }

    #[test]
    fn sparse_rows_count_after_summing_repeats() {
        // Row 2 looked up twice with [1, 0] and [2, 0]: dense row [3, 0]; row 0 gets [0, 4]; norm 5.
        let emb: Embedding<f64> = EmbeddingConfig::new(3, 2).init(&mut seeded(0)).unwrap();
        let (_, cache) = emb.forward(&[2, 2, 0]);
        let mut g = emb.zero_grads();
        emb.backward(&cache, array![[1.0, 0.0], [2.0, 0.0], [0.0, 4.0]].view(), &mut g);
        assert_eq!(grad_norm(&g), 5.0);
    }
}
