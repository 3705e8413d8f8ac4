//! The world's users and items, drawn once from the config's seed.
//!
//! Users have topic interests θ ~ Dirichlet(α), two objective-preference profiles (a "day" and
//! an "evening" one, each ~ Dirichlet), the hour at which the evening profile peaks, and the
//! hour at which they are most active. Items have a topic, clickbait-ness, quality and length.

use super::{K, WorldConfig};
use deepprl_core::DeepRng;
use ndarray_rand::rand::Rng;
use ndarray_rand::rand_distr::{Beta, Distribution, Gamma, LogNormal};

/// A user's latent traits.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    /// Interest in each topic (sums to 1).
    pub interests: Vec<f64>,
    /// Preference between objectives far from the evening peak (sums to 1).
    pub day_preference: [f64; K],
    /// Preference between objectives at the evening peak (sums to 1).
    pub evening_preference: [f64; K],
    /// Local hour (0..24, fractional) at which the evening profile is fully in force.
    pub evening_peak: f64,
    /// Local hour around which the user's sessions start.
    pub active_peak: f64,
}

impl User {
    /// How "evening" hour `hour` is for this user: `(1 + cos(2π (hour − peak) / 24)) / 2`,
    /// 1 at the peak, 0 twelve hours away.
    pub fn evening_weight(&self, hour: u32) -> f64 {
        let phase = 2.0 * std::f64::consts::PI * (f64::from(hour) - self.evening_peak) / 24.0;
        0.5 * (1.0 + phase.cos())
    }

    /// The preference between objectives at `hour`: the day and evening profiles mixed by
    /// [`User::evening_weight`].
    pub fn preference(&self, hour: u32) -> [f64; K] {
        let m = self.evening_weight(hour);
        std::array::from_fn(|k| (1.0 - m) * self.day_preference[k] + m * self.evening_preference[k])
    }
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

/// Draws the users and items of `cfg` from `rng`.
pub(crate) fn draw(cfg: &WorldConfig, rng: &mut DeepRng) -> (Vec<User>, Vec<Item>) {
    let users = (0..cfg.n_users)
        .map(|_| User {
            interests: dirichlet(rng, cfg.interest_concentration, cfg.n_topics),
            day_preference: simplex3(rng, cfg.preference_concentration),
            evening_preference: simplex3(rng, cfg.preference_concentration),
            evening_peak: rng.random_range(0.0..24.0),
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
    (users, items)
}
