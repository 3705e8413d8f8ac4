//! The world's users, segments and items, drawn once from the config's seed.
//!
//! Each of the `segments` segments has two taste prototypes between the objectives (a "day" and
//! an "evening" one) and the hour at which the evening one is fully in force. A user belongs to
//! one segment (observable: the `segment` feature of the log), has topic interests, an
//! individual taste deviation and the hour around which their sessions start. Items have a
//! topic, clickbait-ness, quality and length. The taste itself, which also depends on
//! `heterogeneity`, is [`super::World::taste`].

use super::{K, WorldConfig};
use deepprl_core::DeepRng;
use ndarray_rand::rand::Rng;
use ndarray_rand::rand_distr::{Beta, Distribution, Gamma, LogNormal};

/// Weight of the leaning vertex in a segment prototype (the rest is a Dirichlet draw): segment
/// `s` leans towards objective `s mod K` by day and `(s + 1) mod K` in the evening, so that
/// segments differ in every world, whatever the seed.
pub const PROTOTYPE_LEAN: f64 = 0.8;

/// Earliest and latest evening peak hour of a segment.
pub const EVENING_PEAKS: (f64, f64) = (17.0, 23.0);

/// A segment's taste prototypes.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    /// Taste far from the evening peak (sums to 1).
    pub day_taste: [f64; K],
    /// Taste at the evening peak (sums to 1).
    pub evening_taste: [f64; K],
    /// Local hour (fractional) at which the evening taste is fully in force.
    pub evening_peak: f64,
}

impl Segment {
    /// How "evening" hour `hour` is for this segment: `(1 + cos(2π (hour − peak) / 24)) / 2`,
    /// 1 at the peak, 0 twelve hours away.
    pub fn evening_weight(&self, hour: u32) -> f64 {
        let phase = 2.0 * std::f64::consts::PI * (f64::from(hour) - self.evening_peak) / 24.0;
        0.5 * (1.0 + phase.cos())
    }

    /// The prototype at `hour`: the day and evening tastes mixed by
    /// [`Segment::evening_weight`].
    pub fn prototype(&self, hour: u32) -> [f64; K] {
        let m = self.evening_weight(hour);
        std::array::from_fn(|k| (1.0 - m) * self.day_taste[k] + m * self.evening_taste[k])
    }
}

/// A user's latent traits.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    /// Interest in each topic (sums to 1).
    pub interests: Vec<f64>,
    /// The user's segment, `0..segments`.
    pub segment: usize,
    /// The individual part of the taste (sums to 1).
    pub deviation: [f64; K],
    /// Local hour around which the user's sessions start.
    pub active_peak: f64,
}

/// An item's attributes.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Topic index, 0..n_topics.
    pub topic: usize,
    /// Clickbait-ness in [0, 1]: raises clicks, lowers the watched fraction.
    pub clickbait: f64,
    /// Quality in [0, 1]: raises the watched fraction.
    pub quality: f64,
    /// Length in seconds.
    pub length_secs: f64,
}

fn dirichlet(rng: &mut DeepRng, alpha: f64, n: usize) -> Vec<f64> {
    let gamma = Gamma::new(alpha, 1.0).expect("alpha validated positive");
    let mut x: Vec<f64> = (0..n).map(|_| gamma.sample(rng).max(1e-300)).collect();
    let s: f64 = x.iter().sum();
    x.iter_mut().for_each(|v| *v /= s);
    x
}

fn simplex3(rng: &mut DeepRng, alpha: f64) -> [f64; K] {
    let v = dirichlet(rng, alpha, K);
    [v[0], v[1], v[2]]
}

/// `PROTOTYPE_LEAN` on vertex `k`, the rest a Dirichlet draw.
fn leaning(rng: &mut DeepRng, alpha: f64, k: usize) -> [f64; K] {
    let d = simplex3(rng, alpha);
    std::array::from_fn(|j| {
        (1.0 - PROTOTYPE_LEAN) * d[j] + if j == k % K { PROTOTYPE_LEAN } else { 0.0 }
    })
}

/// Draws the segments, users and items of `cfg` from `rng`.
pub(crate) fn draw(cfg: &WorldConfig, rng: &mut DeepRng) -> (Vec<Segment>, Vec<User>, Vec<Item>) {
    let a = cfg.preference_concentration;
    let segments = (0..cfg.segments)
        .map(|s| Segment {
            day_taste: leaning(rng, a, s),
            evening_taste: leaning(rng, a, s + 1),
            evening_peak: rng.random_range(EVENING_PEAKS.0..EVENING_PEAKS.1),
        })
        .collect();
    let users = (0..cfg.n_users)
        .map(|u| User {
            interests: dirichlet(rng, cfg.interest_concentration, cfg.n_topics),
            // Round-robin keeps segments of equal size (the order of users carries nothing).
            segment: u % cfg.segments,
            deviation: simplex3(rng, a),
            active_peak: rng.random_range(0.0..24.0),
        })
        .collect();
    let p = &cfg.items;
    let cb = Beta::new(p.clickbait_a, p.clickbait_b).expect("validated");
    let q = Beta::new(p.quality_a, p.quality_b).expect("validated");
    let len = LogNormal::new(p.length_median_secs.ln(), p.length_sigma).expect("validated");
    let items = (0..cfg.n_items)
        .map(|_| Item {
            topic: rng.random_range(0..cfg.n_topics),
            clickbait: cb.sample(rng),
            quality: q.sample(rng),
            length_secs: len.sample(rng).clamp(3.0, 600.0),
        })
        .collect();
    (segments, users, items)
}
