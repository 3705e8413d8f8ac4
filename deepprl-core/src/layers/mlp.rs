//! Multi-layer perceptron: `Linear` layers with an activation between them.

use super::{Activation, Layer, Linear, LinearConfig, LinearGrads};
use crate::ops::dense::DenseCache;
use crate::{Float, Parameterized};
use ndarray::{Array2, ArrayView2, ArrayViewD, ArrayViewMutD};
use ndarray_rand::rand::Rng;
use serde::{Deserialize, Serialize};

/// Configuration of an [`Mlp`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MlpConfig {
    /// Input width.
    pub d_input: usize,
    /// Hidden widths, one per hidden layer (may be empty: then the MLP is one `Linear`).
    #[serde(default)]
    pub d_hidden: Vec<usize>,
    /// Output width.
    pub d_output: usize,
    /// Activation after every hidden layer (default `relu`).
    #[serde(default)]
    pub activation: Activation,
    /// Activation after the last layer (default `identity`).
    #[serde(default = "identity")]
    pub output_activation: Activation,
}

fn identity() -> Activation {
    Activation::Identity
}

impl MlpConfig {
    /// A ReLU MLP with an identity output.
    pub fn new(d_input: usize, d_hidden: &[usize], d_output: usize) -> Self {
        Self {
            d_input,
            d_hidden: d_hidden.to_vec(),
            d_output,
            activation: Activation::Relu,
            output_activation: Activation::Identity,
        }
    }

    /// Builds the MLP (each layer initialised as [`LinearConfig::init`]).
    ///
    /// # Errors
    /// If any width is zero; the key names the layer, e.g. `d_hidden[1]`.
    pub fn init<F: Float>(&self, rng: &mut impl Rng) -> crate::Result<Mlp<F>> {
        let mut widths = vec![self.d_input];
        widths.extend(&self.d_hidden);
        widths.push(self.d_output);
        for (i, &w) in widths.iter().enumerate() {
            let key = match i {
                0 => "d_input".to_string(),
                i if i == widths.len() - 1 => "d_output".to_string(),
                i => format!("d_hidden[{}]", i - 1),
            };
            super::positive(&key, w)?;
        }
        let layers = widths
            .windows(2)
            .map(|p| LinearConfig::new(p[0], p[1]).init(rng))
            .collect::<crate::Result<_>>()?;
        Ok(Mlp { layers, activation: self.activation, output_activation: self.output_activation })
    }
}

/// Linear layers with activations between them; tensors are named `<layer index>.w|b`.
#[derive(Debug, Clone, PartialEq)]
pub struct Mlp<F> {
    /// The layers, input first.
    pub layers: Vec<Linear<F>>,
    /// Hidden activation.
    pub activation: Activation,
    /// Output activation.
    pub output_activation: Activation,
}

/// Gradients of an [`Mlp`]: one [`LinearGrads`] per layer.
pub type MlpGrads<F> = Vec<LinearGrads<F>>;

/// What [`Mlp::backward`](Layer::backward) needs: each layer's input (which is the previous
/// layer's activated output, so it is stored once) and the final output.
#[derive(Debug, Clone)]
pub struct MlpCache<F> {
    inputs: Vec<DenseCache<F>>,
    output: Array2<F>,
}

impl<F: Float> Mlp<F> {
    fn act(&self, i: usize) -> Activation {
        if i + 1 == self.layers.len() { self.output_activation } else { self.activation }
    }

    /// The output without a cache (inference).
    pub fn predict(&self, x: ArrayView2<'_, F>) -> Array2<F> {
        let mut h = x.to_owned();
        for (i, l) in self.layers.iter().enumerate() {
            h = l.predict(h.view());
            self.act(i).forward_inplace(&mut h);
        }
        h
    }

    /// Output width.
    pub fn d_output(&self) -> usize {
        self.layers.last().map_or(0, |l| l.b.len())
    }
}

impl<F: Float> Parameterized<F> for Mlp<F> {
    type Grads = MlpGrads<F>;
    fn zero_grads(&self) -> MlpGrads<F> {
        self.layers.zero_grads()
    }
    fn visit_params(&self, v: &mut dyn FnMut(&str, ArrayViewD<'_, F>)) {
        self.layers.visit_params(v);
    }
    fn visit_params_mut(&mut self, v: &mut dyn FnMut(&str, ArrayViewMutD<'_, F>)) {
        self.layers.visit_params_mut(v);
    }
}

impl<F: Float> Layer<F> for Mlp<F> {
    type Cache = MlpCache<F>;
    fn forward(&self, x: ArrayView2<'_, F>) -> (Array2<F>, MlpCache<F>) {
        let mut inputs = Vec::with_capacity(self.layers.len());
        let mut h = x.to_owned();
        for (i, l) in self.layers.iter().enumerate() {
            let mut y = l.predict(h.view());
            self.act(i).forward_inplace(&mut y);
            inputs.push(DenseCache { x: h });
            h = y;
        }
        (h.clone(), MlpCache { inputs, output: h })
    }

    fn backward(
        &self,
        cache: &MlpCache<F>,
        dy: ArrayView2<'_, F>,
        grads: &mut MlpGrads<F>,
    ) -> Array2<F> {
        let mut d = dy.to_owned();
        for (i, (l, g)) in self.layers.iter().zip(grads.iter_mut()).enumerate().rev() {
            let y = cache.inputs.get(i + 1).map_or(&cache.output, |c| &c.x);
            self.act(i).backward_inplace(y.view(), &mut d);
            d = l.backward(&cache.inputs[i], d.view(), g);
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::seeded;
    use crate::testing::{check_backward, check_param_grads, random, zero_grads};

    #[test]
    fn gradients_match_finite_differences_for_every_parameter() {
        let rng = &mut seeded(0);
        let mut cfg = MlpConfig::new(4, &[5, 3], 2);
        cfg.activation = Activation::Tanh;
        cfg.output_activation = Activation::Sigmoid;
        let mlp: Mlp<f64> = cfg.init(rng).unwrap();
        let (x, r) = (random((3, 4), rng), random((3, 2), rng));
        let (_, cache) = mlp.forward(x.view());
        let mut g = mlp.zero_grads();
        let dx = mlp.backward(&cache, r.view(), &mut g);
        assert!(zero_grads(&g).is_empty());
        check_backward("mlp dx", &x, &dx, |x| (mlp.predict(x.view()) * &r).sum());
        assert_eq!(check_param_grads(&mlp, &g, |m| (m.predict(x.view()) * &r).sum()), 6);
    }

    #[test]
    fn parameters_are_named_by_layer() {
        let mlp: Mlp<f32> = MlpConfig::new(2, &[3], 1).init(&mut seeded(0)).unwrap();
        let mut names = Vec::new();
        mlp.visit_params(&mut |n, _| names.push(n.to_string()));
        assert_eq!(names, ["0.w", "0.b", "1.w", "1.b"]);
        let err = MlpConfig::new(2, &[3, 0], 1).init::<f32>(&mut seeded(0)).unwrap_err();
        assert!(err.to_string().contains("`d_hidden[1]`"), "{err}");
    }
}
