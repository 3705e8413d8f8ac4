//! The response model: click and watch-fraction logits, sampled outcomes, and their exact (or
//! quadrature) expectations.
//!
//! With interest `ι = clamp(ln(T θ_u[topic]), −3, 2)`, the evening weight `m(h)` of the user's
//! segment and the effect of satisfaction `e = ℓ (s − s_ref)` (`long_term` ℓ, reference
//! satisfaction `s_ref`, [`World::satisfaction_effect`]):
//!
//! ```text
//! z_click = b_c + c_ι ι + c_cb clickbait + c_q quality + c_s e
//! z_watch = b_w + w_ι ι + w_q quality + w_cb clickbait + w_len ln(len / median) + w_h m(h) + w_s e
//! click ~ Bernoulli(σ(z_click));  ε ~ Logistic(0, 1)
//! F = σ(z_watch + w_click · click + ε)     (fraction watched; the feed autoplays, so every
//!                                           impression is watched a little, clicked ones more)
//! long_view = F ≥ ½;  watch_secs = len · F;  watch_time = ln(1 + watch_secs)
//! E[click] = p = σ(z_click);  E[long_view] = p σ(z_watch + w_click) + (1 − p) σ(z_watch)   (exact)
//! E[watch_time] = p g(z_watch + w_click) + (1 − p) g(z_watch),
//!     g(z) = mean_j ln(1 + len σ(z + q_j))   over 32 midpoint quantiles q_j of Logistic(0, 1)
//! ```
//!
//! `g` is tabulated once over `ln(length)` (64 points over the clamped lengths 3..600 s) and `z`
//! (step 1/8 over ±12) and interpolated bilinearly: the expectation is the inner loop of every
//! episode, and 64 logarithms per candidate made episodes about ten times slower. The table
//! (99 KB) stays in cache, where per-item rows did not. Interpolation error is below 10⁻³
//! (a unit test), below any sampling error (tests compare with 40,000 samples).

use super::{Context, K, Outcome, World};
use crate::meta::FeatureStats;
use ndarray_rand::rand::Rng;

/// Nodes of the quadrature over the logistic noise.
const NODES: usize = 32;
/// Range `±Z_MAX` and steps per unit of `z` of the tabulated `g`.
const Z_MAX: f64 = 12.0;
const Z_STEPS: f64 = 8.0;
/// Points of the tabulated `g` along `ln(length)`, over the clamped lengths 3..600 s.
const LEN_POINTS: usize = 64;
const LN_LEN: (f64, f64) = (1.098_612_288_668_109_8, 6.396_929_655_216_146); // ln 3, ln 600

/// `g(z; len) = mean_j ln(1 + len σ(z + q_j))`, tabulated over `(ln len, z)` and interpolated
/// bilinearly (see the module docs); each item's place along `ln len` is kept.
#[derive(Debug, Clone)]
pub(super) struct WatchTable {
    points: usize,
    values: Vec<f64>,
    /// Per item: the lower row along `ln len` and the fraction towards the next.
    rows: Vec<(usize, f64)>,
}

impl WatchTable {
    /// The table for items of `lengths` (seconds) with the quadrature `nodes`.
    pub(super) fn new(lengths: &[f64], nodes: &[f64]) -> Self {
        let points = (2.0 * Z_MAX * Z_STEPS) as usize + 1;
        let step = (LN_LEN.1 - LN_LEN.0) / (LEN_POINTS - 1) as f64;
        let mut values = Vec::with_capacity(points * LEN_POINTS);
        for r in 0..LEN_POINTS {
            let len = (LN_LEN.0 + r as f64 * step).exp();
            for j in 0..points {
                let z = -Z_MAX + j as f64 / Z_STEPS;
                let g = nodes.iter().map(|q| (len * sigmoid(z + q)).ln_1p()).sum::<f64>();
                values.push(g / nodes.len() as f64);
            }
        }
        let rows = lengths
            .iter()
            .map(|l| {
                let x = ((l.ln() - LN_LEN.0) / step).clamp(0.0, (LEN_POINTS - 1) as f64);
                let r = (x as usize).min(LEN_POINTS - 2);
                (r, x - r as f64)
            })
            .collect();
        WatchTable { points, values, rows }
    }

    /// `(g(z), g(z + 1))` of `item`, interpolated, constant in `z` beyond the range: the
    /// unclicked and clicked watch time share the row and the fraction (1 is `Z_STEPS` points).
    fn pair(&self, item: usize, z: f64) -> (f64, f64) {
        let last = (self.points - 1) as f64;
        let step = Z_STEPS as usize;
        let (r, fr) = self.rows[item];
        let (lo, hi) = (&self.values[r * self.points..], &self.values[(r + 1) * self.points..]);
        let at = |j: usize, f: f64| {
            let a = lo[j] + f * (lo[j + 1] - lo[j]);
            let b = hi[j] + f * (hi[j + 1] - hi[j]);
            a + fr * (b - a)
        };
        let x = (z + Z_MAX) * Z_STEPS;
        if x >= 0.0 && x + Z_STEPS < last {
            // Inside the range both points share the fraction, `Z_STEPS` nodes apart.
            let j = x as usize;
            let f = x - j as f64;
            return (at(j, f), at(j + step, f));
        }
        let clamped = |x: f64| {
            let x = x.clamp(0.0, last);
            let j = (x as usize).min(self.points - 2);
            at(j, x - j as f64)
        };
        (clamped(x), clamped(x + Z_STEPS))
    }
}

/// The logistic quantiles at the midpoints `(j + ½) / NODES`.
pub(super) fn logistic_nodes() -> Vec<f64> {
    (0..NODES)
        .map(|j| {
            let u = (j as f64 + 0.5) / NODES as f64;
            (u / (1.0 - u)).ln()
        })
        .collect()
}

pub(super) fn sigmoid(x: f64) -> f64 {
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

/// The terms of the logits shared by every candidate of one request (user, hour,
/// satisfaction): computed once per request, so scoring a candidate costs its own terms only.
#[derive(Debug, Clone, Copy)]
pub(super) struct RequestTerms<'a> {
    /// The user's interest per topic.
    interest: &'a [f64],
    /// `click_satisfaction · e`.
    click: f64,
    /// `watch_evening · m(h) + watch_satisfaction · e`.
    watch: f64,
}

impl World {
    /// The terms of `user`'s request in `ctx` shared by every item.
    pub(super) fn request_terms(&self, user: usize, ctx: Context) -> RequestTerms<'_> {
        let r = &self.cfg.response;
        let t = self.cfg.n_topics;
        let s = self.satisfaction_effect(ctx.satisfaction);
        let evening = self.evening[self.users[user].segment * 24 + ctx.hour as usize % 24];
        RequestTerms {
            interest: &self.interest[user * t..(user + 1) * t],
            click: r.click_satisfaction * s,
            watch: r.watch_evening * evening + r.watch_satisfaction * s,
        }
    }

    fn logits_with(&self, terms: &RequestTerms<'_>, item: usize) -> (f64, f64) {
        let r = &self.cfg.response;
        let (item_click, item_watch) = self.item_logits[item];
        let interest = terms.interest[self.items[item].topic];
        let click = item_click + r.click_interest * interest + terms.click;
        let watch = item_watch + r.watch_interest * interest + terms.watch;
        (click, watch)
    }

    /// The click and watch-fraction logits of `item` for `user` in `ctx`.
    ///
    /// # Panics
    /// If `user` or `item` is out of range.
    pub fn logits(&self, user: usize, ctx: Context, item: usize) -> (f64, f64) {
        self.logits_with(&self.request_terms(user, ctx), item)
    }

    /// The item's own terms of the click and watch logits (bias, clickbait, quality, length).
    pub(super) fn item_logits(cfg: &super::WorldConfig, it: &super::Item) -> (f64, f64) {
        let r = &cfg.response;
        let click = r.click_bias + r.click_clickbait * it.clickbait + r.click_quality * it.quality;
        let watch = r.watch_bias
            + r.watch_quality * it.quality
            + r.watch_clickbait * it.clickbait
            + r.watch_length * (it.length_secs / cfg.items.length_median_secs).ln();
        (click, watch)
    }

    /// Expected outcomes of `item` in the request of `terms`: two exponentials (the clicked
    /// watch logit's sigmoid reuses the unclicked one's, `e^{−z−w_click} = e^{−z} e^{−w_click}`).
    pub(super) fn expected_with(&self, terms: &RequestTerms<'_>, item: usize) -> Outcome {
        let (zc, zw) = self.logits_with(terms, item);
        let pc = 1.0 / (1.0 + (-zc).exp());
        let e = (-zw).exp();
        let (unclicked_lv, clicked_lv) = (1.0 / (1.0 + e), 1.0 / (1.0 + e * self.exp_neg_click));
        let lv = pc * clicked_lv + (1.0 - pc) * unclicked_lv;
        let (unclicked, clicked) = self.watch.pair(item, zw);
        let watch = if self.cfg.response.watch_click == 1.0 {
            pc * clicked + (1.0 - pc) * unclicked
        } else {
            pc * self.watch.pair(item, zw + self.cfg.response.watch_click).0
                + (1.0 - pc) * unclicked
        };
        [pc, lv, watch]
    }

    /// Expected outcomes of showing `item` to `user` in `ctx` (watch time through the
    /// tabulated `g`).
    pub fn expected(&self, user: usize, ctx: Context, item: usize) -> Outcome {
        self.expected_with(&self.request_terms(user, ctx), item)
    }

    /// Expected outcomes of every item of `items` for `user` in `ctx`, into `out` (cleared
    /// first): [`World::expected`] of each, with the request's shared terms computed once.
    pub fn expected_all(&self, user: usize, ctx: Context, items: &[usize], out: &mut Vec<Outcome>) {
        let terms = self.request_terms(user, ctx);
        out.clear();
        out.extend(items.iter().map(|&item| self.expected_with(&terms, item)));
    }

    /// First and second moments of the outcomes, by quadrature.
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
    /// about 100 000 triples) at the reference satisfaction (where episodes start).
    pub(super) fn population_norm(&self) -> [FeatureStats; K] {
        let hours = [0, 3, 6, 9, 12, 15, 18, 21];
        let total = self.users.len() * hours.len() * self.items.len();
        let stride = (total / 100_000).max(1);
        let (mut n, mut s1, mut s2) = (0.0, [0.0; K], [0.0; K]);
        let mut t = 0usize;
        for user in 0..self.users.len() {
            for &hour in &hours {
                let ctx = Context { hour, satisfaction: self.cfg.dynamics.satisfaction_reference };
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
