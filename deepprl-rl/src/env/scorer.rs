//! What ranks the simulator's candidates: the world's truth by default, or a trained predictor,
//! so that prediction error reaches the rewards.
//!
//! ```
//! use deepprl_data::world::{Context, World, WorldConfig};
//! use deepprl_rl::env::{SlateScorer, TrueScorer};
//! use std::sync::Arc;
//! let world = Arc::new(World::new(&WorldConfig::small())?);
//! let scorer = TrueScorer::new(world.clone());
//! let ctx = Context { hour: 20, satisfaction: 0.0 };
//! let z = scorer.score(0, ctx, &[3, 4]);
//! assert_eq!(z[1], world.standardise(&world.expected(0, ctx, 4)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use deepprl_data::world::{Context, K, World};
use std::sync::Arc;

/// Standardised predicted outcomes of candidate items, which the simulator ranks by
/// `Σ_k w_k ẑ_k` (docs/DESIGN.md §3.4).
pub trait SlateScorer: Send + Sync {
    /// One standardised prediction `[K]` per item of `items`, in the same order, for `user` in
    /// `context`.
    fn score(&self, user: usize, context: Context, items: &[usize]) -> Vec<[f64; K]>;

    /// A short name for logs and `Debug` output.
    fn name(&self) -> &str {
        "scorer"
    }
}

/// The world's true standardised expected outcomes: ranking without prediction error.
#[derive(Debug, Clone)]
pub struct TrueScorer {
    world: Arc<World>,
}

impl TrueScorer {
    /// The truth of `world`.
    pub fn new(world: Arc<World>) -> Self {
        Self { world }
    }
}

impl SlateScorer for TrueScorer {
    fn score(&self, user: usize, context: Context, items: &[usize]) -> Vec<[f64; K]> {
        items
            .iter()
            .map(|&i| self.world.standardise(&self.world.expected(user, context, i)))
            .collect()
    }

    fn name(&self) -> &str {
        "truth"
    }
}
