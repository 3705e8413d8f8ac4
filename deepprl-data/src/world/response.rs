//! The response model: click and watch-fraction logits, sampled outcomes, and their exact (or
//! quadrature) expectations.
//!
//! With interest `ι = clamp(ln(T θ_u[topic]), −3, 2)`, evening weight `m_u(h)` and satisfaction
//! `s`:
//!
//! ```text
//! z_click = b_c + c_ι ι + c_cb clickbait + c_q quality + c_s s
//! z_watch = b_w + w_ι ι + w_q quality + w_cb clickbait + w_len ln(len / median) + w_h m_u(h) + w_s s
//! click ~ Bernoulli(σ(z_click));  ε ~ Logistic(0, 1)
//! F = σ(z_watch + w_click · click + ε)     (fraction watched; the feed autoplays, so every
//!                                           impression is watched a little, clicked ones more)
//! long_view = F ≥ ½;  watch_secs = len · F;  watch_time = ln(1 + watch_secs)
//! E[click] = p = σ(z_click);  E[long_view] = p σ(z_watch + w_click) + (1 − p) σ(z_watch)   (exact)
//! E[watch_time] = p g(z_watch + w_click) + (1 − p) g(z_watch),
//!     g(z) = mean_j ln(1 + len σ(z + q_j))   over 32 midpoint quantiles q_j of Logistic(0, 1)
//! ```

use super::{Context, K, Outcome, World};
use crate::meta::FeatureStats;
use ndarray_rand::rand::Rng;

/// Nodes of the quadrature over the logistic noise.
const NODES: usize = 32;

/// The logistic quantiles at the midpoints `(j + ½) / NODES`.
pub(super) fn logistic_nodes() -> Vec<f64> {
    (0..NODES)
        .map(|j| {
            let u = (j as f64 + 0.5) / NODES as f64;
            (u / (1.0 - u)).ln()
        })
        .collect()
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// One sampled impression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Impression {
    /// Clicked.
    pub click: bool,
    /// Watched at least half.
    pub long_view: bool,
    /// Milliseconds watched.
    pub watch_ms: u32,
}

impl Impression {
    /// The outcome vector `[click, long_view, ln(1 + watch_ms / 1000)]`, computed exactly as the
    /// loader computes it from the written columns.
    pub fn outcome(&self) -> Outcome {
        let watch = (f64::from(self.watch_ms) / 1000.0).ln_1p();
        [f64::from(u8::from(self.click)), f64::from(u8::from(self.long_view)), watch]
    }
}

impl World {
    /// The click and watch-fraction logits of `item` for `user` in `ctx`.
    ///
    /// # Panics
    /// If `user` or `item` is out of range.
    pub fn logits(&self, user: usize, ctx: Context, item: usize) -> (f64, f64) {
        let (u, it, r) = (&self.users[user], &self.items[item], &self.cfg.response);
        let interest = (self.cfg.n_topics as f64 * u.interests[it.topic]).ln().clamp(-3.0, 2.0);
        let s = ctx.satisfaction;
        let click = r.click_bias
            + r.click_interest * interest
            + r.click_clickbait * it.clickbait
            + r.click_quality * it.quality
            + r.click_satisfaction * s;
        let watch = r.watch_bias
            + r.watch_interest * interest
            + r.watch_quality * it.quality
            + r.watch_clickbait * it.clickbait
            + r.watch_length * (it.length_secs / self.cfg.items.length_median_secs).ln()
            + r.watch_evening * u.evening_weight(ctx.hour)
            + r.watch_satisfaction * s;
        (click, watch)
    }

    /// Expected outcomes of showing `item` to `user` in `ctx`.
    pub fn expected(&self, user: usize, ctx: Context, item: usize) -> Outcome {
        self.moments(user, ctx, item).0
    }

    /// First and second moments of the outcomes.
    fn moments(&self, user: usize, ctx: Context, item: usize) -> (Outcome, Outcome) {
        let (zc, zw) = self.logits(user, ctx, item);
        let (pc, len) = (sigmoid(zc), self.items[item].length_secs);
        let n = self.nodes.len() as f64;
        let watch = |z: f64| {
            let (mut m1, mut m2) = (0.0, 0.0);
            for q in &self.nodes {
                let w = (len * sigmoid(z + q)).ln_1p();
                m1 += w;
                m2 += w * w;
            }
            (m1 / n, m2 / n)
        };
        let zw_click = zw + self.cfg.response.watch_click;
        let ((c1, c2), (o1, o2)) = (watch(zw_click), watch(zw));
        let lv = pc * sigmoid(zw_click) + (1.0 - pc) * sigmoid(zw);
        let mix = |a: f64, b: f64| pc * a + (1.0 - pc) * b;
        ([pc, lv, mix(c1, o1)], [pc, lv, mix(c2, o2)])
    }

    /// Samples the response to `item`.
    pub fn sample<R: Rng + ?Sized>(
        &self,
        user: usize,
        ctx: Context,
        item: usize,
        rng: &mut R,
    ) -> Impression {
        let (zc, zw) = self.logits(user, ctx, item);
        let click = rng.random::<f64>() < sigmoid(zc);
        let u: f64 = rng.random_range(f64::EPSILON..1.0);
        let z = zw + if click { self.cfg.response.watch_click } else { 0.0 } + (u / (1.0 - u)).ln();
        let watch_ms = (self.items[item].length_secs * sigmoid(z) * 1000.0).round() as u32;
        Impression { click, long_view: z >= 0.0, watch_ms }
    }

    /// Mean and std of each realised objective over users × 8 hours × items (strided to at most
    /// about 100 000 triples) at neutral satisfaction.
    pub(super) fn population_norm(&self) -> [FeatureStats; K] {
        let hours = [0, 3, 6, 9, 12, 15, 18, 21];
        let total = self.users.len() * hours.len() * self.items.len();
        let stride = (total / 100_000).max(1);
        let (mut n, mut s1, mut s2) = (0.0, [0.0; K], [0.0; K]);
        let mut t = 0usize;
        for user in 0..self.users.len() {
            for &hour in &hours {
                let ctx = Context { hour, satisfaction: 0.0 };
                // Start each (user, hour) at a different offset so a stride covers every item.
                let mut item = t % stride;
                t += 1;
                while item < self.items.len() {
                    let (m1, m2) = self.moments(user, ctx, item);
                    n += 1.0;
                    for k in 0..K {
                        s1[k] += m1[k];
                        s2[k] += m2[k];
                    }
                    item += stride;
                }
            }
        }
        std::array::from_fn(|k| {
            let mean = s1[k] / n;
            FeatureStats { mean, std: (s2[k] / n - mean * mean).max(1e-12).sqrt() }
        })
    }
}
