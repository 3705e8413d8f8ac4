//! A fixed-capacity replay buffer of transitions with seeded uniform sampling.
//!
//! When full, the oldest transition is overwritten (ring buffer). Sampling draws indices with
//! replacement from the buffer's own RNG, so a run's samples depend only on its seed.

use deepprl_core::rng::{DeepRng, seeded};
use deepprl_models::Transitions;
use ndarray::{Array1, Array2};
use ndarray_rand::rand::Rng;

/// One transition.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    /// State.
    pub state: Vec<f32>,
    /// Weights applied.
    pub weights: Vec<f32>,
    /// Vector reward.
    pub reward: Vec<f32>,
    /// Next state.
    pub next_state: Vec<f32>,
    /// Whether the episode ended.
    pub done: bool,
}

/// The ring buffer.
#[derive(Debug, Clone)]
pub struct ReplayBuffer {
    items: Vec<Transition>,
    capacity: usize,
    next: usize,
    rng: DeepRng,
}

impl ReplayBuffer {
    /// An empty buffer of `capacity` transitions sampling with `seed`.
    ///
    /// # Panics
    /// If `capacity` is zero.
    pub fn new(capacity: usize, seed: u64) -> Self {
        assert!(capacity > 0, "ReplayBuffer: capacity must be at least 1");
        Self {
            items: Vec::with_capacity(capacity.min(1 << 16)),
            capacity,
            next: 0,
            rng: seeded(seed),
        }
    }

    /// Number of stored transitions.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Stores a transition, overwriting the oldest when full.
    pub fn push(&mut self, t: Transition) {
        if self.items.len() < self.capacity {
            self.items.push(t);
        } else {
            self.items[self.next] = t;
        }
        self.next = (self.next + 1) % self.capacity;
    }

    /// `n` transitions drawn uniformly with replacement, as a batch.
    ///
    /// # Panics
    /// If the buffer is empty.
    pub fn sample(&mut self, n: usize) -> Transitions {
        assert!(!self.is_empty(), "ReplayBuffer::sample: empty buffer");
        let idx: Vec<usize> = (0..n).map(|_| self.rng.random_range(0..self.items.len())).collect();
        let rows = |f: &dyn Fn(&Transition) -> &Vec<f32>| {
            let w = f(&self.items[idx[0]]).len();
            Array2::from_shape_fn((n, w), |(b, j)| f(&self.items[idx[b]])[j])
        };
        Transitions {
            states: rows(&|t| &t.state),
            weights: rows(&|t| &t.weights),
            rewards: rows(&|t| &t.reward),
            next_states: rows(&|t| &t.next_state),
            done: Array1::from_shape_fn(n, |b| f32::from(u8::from(self.items[idx[b]].done))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(v: f32) -> Transition {
        Transition {
            state: vec![v],
            weights: vec![1.0],
            reward: vec![v],
            next_state: vec![v + 1.0],
            done: v > 5.0,
        }
    }

    #[test]
    fn capacity_overwrites_the_oldest() {
        let mut b = ReplayBuffer::new(3, 0);
        for v in 0..5 {
            b.push(t(v as f32));
        }
        assert_eq!(b.len(), 3);
        let mut seen: Vec<f32> = b.items.iter().map(|t| t.state[0]).collect();
        seen.sort_by(f32::total_cmp);
        assert_eq!(seen, vec![2.0, 3.0, 4.0]);
    }

    #[test]
    fn sampling_is_seeded_and_covers_the_buffer() {
        let fill = |seed| {
            let mut b = ReplayBuffer::new(10, seed);
            (0..10).for_each(|v| b.push(t(v as f32)));
            b
        };
        let (mut a, mut b, mut c) = (fill(1), fill(1), fill(2));
        let (sa, sb, sc) = (a.sample(200), b.sample(200), c.sample(200));
        assert_eq!(sa, sb);
        assert_ne!(sa.states, sc.states);
        let mut counts = [0; 10];
        sa.states.iter().for_each(|&v| counts[v as usize] += 1);
        assert!(counts.iter().all(|&c| c > 5), "roughly uniform: {counts:?}");
        assert_eq!(sa.next_states, &sa.states + 1.0);
    }
}
