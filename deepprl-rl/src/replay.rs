//! A fixed-capacity replay buffer of transitions with seeded uniform sampling.
//!
//! A transition may span several environment steps (n-step returns): the trainer builds it
//! before it is stored ([`crate::rollout`]), so the buffer neither knows nor cares.
//!
//! When full, the oldest transition is overwritten (ring buffer). Sampling draws indices with
//! replacement from the buffer's own RNG, so a run's samples depend only on its seed.
//! [`ReplayBuffer::save`] writes the contents and the RNG position, so a resumed run samples
//! exactly what an uninterrupted one would.

use crate::codec::{from_chunks, to_chunks};
use deepprl_core::io::{self, TensorFile};
use deepprl_core::rng::{DeepRng, seeded};
use deepprl_models::Transitions;
use ndarray::{Array1, Array2, ArrayD, IxDyn};
use ndarray_rand::rand::Rng;
use std::path::Path;

/// One transition `(s_t, w_t, R_t, s_{t+m}, done)` over `m = steps` steps of an episode.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    /// State `s_t`.
    pub state: Vec<f32>,
    /// Weights applied in `s_t`.
    pub weights: Vec<f32>,
    /// Vector reward, discounted and summed over the steps (see
    /// [`deepprl_models::Transitions::rewards`]).
    pub reward: Vec<f32>,
    /// State `s_{t+m}` after the last step.
    pub next_state: Vec<f32>,
    /// Whether the last step reached a terminal state (not a time limit, which bootstraps).
    pub done: bool,
    /// Environment steps spanned, at least 1.
    pub steps: u32,
}

/// The ring buffer.
#[derive(Debug, Clone)]
pub struct ReplayBuffer {
    items: Vec<Transition>,
    capacity: usize,
    next: usize,
    seed: u64,
    rng: DeepRng,
}

/// The fields of a transition stored as tensors, in file order.
const FIELDS: [&str; 4] = ["states", "weights", "rewards", "next_states"];

fn field(t: &Transition, i: usize) -> &Vec<f32> {
    [&t.state, &t.weights, &t.reward, &t.next_state][i]
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
            seed,
            rng: seeded(seed),
        }
    }

    /// The stored transitions, in storage order.
    pub fn transitions(&self) -> &[Transition] {
        &self.items
    }

    /// Writes the transitions, the ring position and the sampling RNG's position atomically.
    ///
    /// # Errors
    /// If transitions differ in width (one environment gives one width) or the file cannot be
    /// written.
    pub fn save(&self, path: &Path) -> crate::Result<()> {
        let n = self.items.len();
        let mut file = TensorFile::new();
        let meta = [self.capacity as u128, self.next as u128, u128::from(self.seed)];
        let mut meta = to_chunks(&meta);
        meta.extend(to_chunks(&[self.rng.get_word_pos()]));
        file.push("meta", Array1::from(meta).into_dyn());
        for (i, name) in FIELDS.iter().enumerate() {
            let width = self.items.first().map_or(0, |t| field(t, i).len());
            if self.items.iter().any(|t| field(t, i).len() != width) {
                return Err(crate::Error::Shape(format!("replay {name} differ in width")));
            }
            // One allocation per field: a checkpoint holds up to `capacity` transitions (about
            // 50 MB in a default DCRL run), and a copy per transition was most of its cost.
            let mut data = Vec::with_capacity(n * width);
            for t in &self.items {
                data.extend_from_slice(field(t, i));
            }
            file.push(name, ArrayD::from_shape_vec(IxDyn(&[n, width]), data).expect("n × width"));
        }
        let done: Vec<f32> = self.items.iter().map(|t| f32::from(u8::from(t.done))).collect();
        file.push("done", Array1::from(done).into_dyn());
        let steps: Vec<f32> = self.items.iter().map(|t| t.steps as f32).collect();
        file.push("steps", Array1::from(steps).into_dyn());
        io::write_atomic(path, &io::encode(&file))?;
        Ok(())
    }

    /// Reads a buffer written by [`ReplayBuffer::save`]; a file without `steps` is from before
    /// n-step transitions and holds one-step ones.
    ///
    /// # Errors
    /// If the file is missing, not a tensor file, or does not hold a replay buffer.
    pub fn load(path: &Path) -> crate::Result<Self> {
        let file: TensorFile<f32> = io::read_tensors(path)?;
        let bad = |reason: String| crate::Error::Checkpoint { path: path.to_path_buf(), reason };
        let get = |name: &str| {
            file.tensors
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, t)| t)
                .ok_or_else(|| bad(format!("no `{name}` tensor")))
        };
        let meta = from_chunks(&get("meta")?.iter().copied().collect::<Vec<_>>())
            .filter(|m| m.len() == 4)
            .ok_or_else(|| bad("malformed `meta`".into()))?;
        let (capacity, next) = (meta[0] as usize, meta[1] as usize);
        let seed = u64::try_from(meta[2]).map_err(|_| bad("malformed seed".into()))?;
        let done = get("done")?;
        let n = done.len();
        if capacity == 0 || n > capacity || next >= capacity || (n < capacity && next != n) {
            return Err(bad(format!("{n} transitions, capacity {capacity}, next {next}")));
        }
        let steps: Vec<u32> = match file.tensors.iter().find(|(n, _)| n == "steps") {
            None => vec![1; n],
            Some((_, t)) if t.len() == n => t
                .iter()
                .map(|&v| (v >= 1.0 && v.fract() == 0.0).then_some(v as u32))
                .collect::<Option<_>>()
                .ok_or_else(|| bad("`steps` holds a value that is not a count >= 1".into()))?,
            Some((_, t)) => {
                return Err(bad(format!("`steps` has {} entries for {n} transitions", t.len())));
            }
        };
        let mut rows: Vec<Vec<Vec<f32>>> = Vec::with_capacity(FIELDS.len());
        for name in FIELDS {
            let t = get(name)?;
            if t.ndim() != 2 || t.shape()[0] != n {
                return Err(bad(format!("`{name}` has shape {:?} for {n} transitions", t.shape())));
            }
            rows.push(t.rows().into_iter().map(|r| r.to_vec()).collect());
        }
        let [states, weights, rewards, next_states]: [Vec<Vec<f32>>; 4] =
            rows.try_into().expect("four fields");
        let items = (((states.into_iter().zip(weights)).zip(rewards)).zip(next_states))
            .zip(done.iter().zip(steps))
            .map(|((((state, weights), reward), next_state), (&d, steps))| Transition {
                state,
                weights,
                reward,
                next_state,
                done: d != 0.0,
                steps,
            })
            .collect();
        let mut rng = seeded(seed);
        rng.set_word_pos(meta[3]);
        Ok(Self { items, capacity, next, seed, rng })
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
    /// If the buffer is empty or the drawn transitions differ in a field's width.
    pub fn sample(&mut self, n: usize) -> Transitions {
        assert!(!self.is_empty(), "ReplayBuffer::sample: empty buffer");
        let idx: Vec<usize> = (0..n).map(|_| self.rng.random_range(0..self.items.len())).collect();
        let rows = |f: &dyn Fn(&Transition) -> &Vec<f32>| {
            let w = f(&self.items[idx[0]]).len();
            let mut flat = Vec::with_capacity(n * w);
            for &i in &idx {
                let row = f(&self.items[i]);
                assert_eq!(row.len(), w, "ReplayBuffer::sample: transitions of unequal width");
                flat.extend_from_slice(row);
            }
            Array2::from_shape_vec((n, w), flat).expect("transitions of one width")
        };
        Transitions {
            states: rows(&|t| &t.state),
            weights: rows(&|t| &t.weights),
            rewards: rows(&|t| &t.reward),
            next_states: rows(&|t| &t.next_state),
            done: Array1::from_shape_fn(n, |b| f32::from(u8::from(self.items[idx[b]].done))),
            steps: Array1::from_shape_fn(n, |b| self.items[idx[b]].steps),
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
            steps: 1 + v as u32 % 3,
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

    #[test]
    fn saved_buffers_sample_on_where_they_stopped() -> crate::Result<()> {
        let dir = std::env::temp_dir().join(format!("deepprl-replay-{}", std::process::id()));
        std::fs::create_dir_all(&dir)
            .map_err(|source| crate::Error::Io { path: dir.clone(), source })?;
        let path = dir.join("replay.bin");
        for n in [0, 2, 7] {
            let mut a = ReplayBuffer::new(4, 9);
            (0..n).for_each(|v| a.push(t(v as f32)));
            if n > 0 {
                a.sample(3);
            }
            a.save(&path)?;
            let mut b = ReplayBuffer::load(&path)?;
            assert_eq!(
                (b.transitions(), b.next, b.capacity),
                (a.transitions(), a.next, a.capacity)
            );
            if n > 0 {
                assert_eq!(a.sample(5), b.sample(5));
            }
            a.push(t(10.0));
            b.push(t(10.0));
            assert_eq!(a.sample(5), b.sample(5), "after {n} pushes");
        }
        // A file from before n-step transitions has no `steps`: it holds one-step ones.
        let mut a = ReplayBuffer::new(4, 9);
        (0..3).for_each(|v| a.push(t(v as f32)));
        a.save(&path)?;
        let mut file: TensorFile<f32> = io::read_tensors(&path)?;
        file.tensors.retain(|(n, _)| n != "steps");
        io::write_atomic(&path, &io::encode(&file))?;
        let old = ReplayBuffer::load(&path)?;
        assert!(old.transitions().iter().all(|t| t.steps == 1));
        assert_eq!(old.transitions()[2].state, a.transitions()[2].state);
        file.push("steps", Array1::from(vec![1.0, 0.0, 2.0]).into_dyn());
        io::write_atomic(&path, &io::encode(&file))?;
        let err = ReplayBuffer::load(&path).expect_err("0 steps").to_string();
        assert!(err.contains("`steps`"), "{err}");
        std::fs::write(&path, b"not a buffer")
            .map_err(|source| crate::Error::Io { path: path.clone(), source })?;
        let err = ReplayBuffer::load(&path).expect_err("garbage");
        assert!(err.to_string().contains("replay.bin"), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
        Ok(())
    }
}
