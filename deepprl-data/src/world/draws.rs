//! Common random numbers: every random draw of the world is keyed by (seed, user, episode, day,
//! step, slot, purpose) through a counter-based generator, not taken from one sequential stream.
//!
//! Two policies whose sessions have different lengths still meet the same draws where their
//! paths coincide (the same user on the same day and step sees the same candidates and the same
//! response noise in each slot), and results do not depend on batch size, thread count or the
//! order in which episodes are simulated.
//!
//! A key is hashed with the SplitMix64 finaliser, field by field; [`Draws`] then yields the
//! SplitMix64 sequence from that hash, so one key gives a short stream (a candidate set needs
//! more than one number).
//!
//! ```
//! use deepprl_data::world::{Draws, Key, Purpose};
//! use ndarray_rand::rand::Rng;
//! let key = Key { seed: 1, user: 2, episode: 0, day: 3, step: 4, slot: 0 };
//! let a: f64 = Draws::new(key, Purpose::Response).random();
//! assert_eq!(a, Draws::new(key, Purpose::Response).random::<f64>());
//! assert_ne!(a, Draws::new(key, Purpose::Leave).random::<f64>());
//! assert_ne!(a, Draws::new(Key { slot: 1, ..key }, Purpose::Response).random::<f64>());
//! ```

use ndarray_rand::rand::RngCore;

/// What a draw is for; part of its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Purpose {
    /// Whether the user starts a session on a day.
    Return = 1,
    /// The hour a session starts at.
    StartHour = 2,
    /// The candidates of a step.
    Candidates = 3,
    /// A slot's response: whether its item is clicked, then the watched fraction's noise.
    Response = 4,
    /// Whether the user leaves after a step.
    Leave = 5,
    /// The logging policy's Gumbel noise of a step.
    Logging = 6,
}

/// Where a draw happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    /// The seed of the episodes (or of the log).
    pub seed: u64,
    /// The world user.
    pub user: u64,
    /// The episode of that user (0 for a log).
    pub episode: u64,
    /// Day of the episode (of the log).
    pub day: u64,
    /// Step within the day's session.
    pub step: u64,
    /// Slot within the slate.
    pub slot: u64,
}

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// The SplitMix64 finaliser: a bijection of `u64` that mixes every bit into every other.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The stream of one key and purpose.
#[derive(Debug, Clone)]
pub struct Draws {
    state: u64,
}

impl Draws {
    /// The stream of `key` for `purpose`.
    pub fn new(key: Key, purpose: Purpose) -> Self {
        let fields = [key.seed, key.user, key.episode, key.day, key.step, key.slot, purpose as u64];
        let state = fields.iter().enumerate().fold(0u64, |h, (i, &f)| {
            mix(h ^ mix(f.wrapping_add((i as u64 + 1).wrapping_mul(GOLDEN))))
        });
        Draws { state }
    }
}

impl RngCore for Draws {
    fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }

    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN);
        mix(self.state)
    }

    fn fill_bytes(&mut self, dst: &mut [u8]) {
        for chunk in dst.chunks_mut(8) {
            let v = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray_rand::rand::Rng;

    #[test]
    fn every_field_of_the_key_changes_the_stream() {
        let k = Key { seed: 3, user: 5, episode: 7, day: 1, step: 2, slot: 4 };
        let first = |k: Key| Draws::new(k, Purpose::Candidates).next_u64();
        let base = first(k);
        let changed = [
            Key { seed: 4, ..k },
            Key { user: 6, ..k },
            Key { episode: 8, ..k },
            Key { day: 2, ..k },
            Key { step: 3, ..k },
            Key { slot: 5, ..k },
        ];
        for other in changed {
            assert_ne!(first(other), base, "{other:?}");
        }
        assert_ne!(Draws::new(k, Purpose::Leave).next_u64(), base);
        // Swapping two fields' values is another key.
        assert_ne!(first(Key { day: 2, step: 1, ..k }), base);
    }

    #[test]
    fn uniforms_look_uniform() {
        let n = 100_000;
        let mut d = Draws::new(
            Key { seed: 0, user: 0, episode: 0, day: 0, step: 0, slot: 0 },
            Purpose::Response,
        );
        let xs: Vec<f64> = (0..n).map(|_| d.random::<f64>()).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        // Mean 1/2 and variance 1/12 within about five standard errors.
        assert!((mean - 0.5).abs() < 5.0 * (1.0f64 / 12.0 / n as f64).sqrt(), "{mean}");
        assert!((var - 1.0 / 12.0).abs() < 0.002, "{var}");
        // First draws of consecutive keys are uncorrelated.
        let firsts: Vec<f64> = (0..n as u64)
            .map(|step| {
                Draws::new(
                    Key { seed: 0, user: 0, episode: 0, day: 0, step, slot: 0 },
                    Purpose::Response,
                )
                .random::<f64>()
            })
            .collect();
        let m = firsts.iter().sum::<f64>() / n as f64;
        let cov = firsts.windows(2).map(|w| (w[0] - m) * (w[1] - m)).sum::<f64>() / n as f64;
        assert!(cov.abs() < 5.0 / 12.0 / (n as f64).sqrt(), "lag-1 covariance {cov}");
    }
}
