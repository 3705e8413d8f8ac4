//! What ranks the simulator's candidates: the world's truth by default, or a trained predictor,
//! so that prediction error reaches the rewards.
//!
//! ```
//! use deepprl_data::world::{Context, World, WorldConfig};
//! use deepprl_rl::env::{Request, SlateScorer, TrueScorer, UserHistory};
//! use std::sync::Arc;
//! let world = Arc::new(World::new(&WorldConfig::small())?);
//! let scorer = TrueScorer::new(world.clone());
//! let ctx = Context { hour: 20, satisfaction: 0.0 };
//! let history = UserHistory::new(0);
//! let z = scorer.score(&Request { user: 0, context: ctx, time: 0, history: &history }, &[3, 4]);
//! assert_eq!(z[1], world.standardise(&world.expected(0, ctx, 4)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use super::UserHistory;
use deepprl_data::world::{Context, K, World};
use std::sync::Arc;

/// One request of a simulated episode, as a scorer sees it.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// The world user.
    pub user: usize,
    /// The hour and the (hidden) satisfaction; a predictor reads only the hour.
    pub context: Context,
    /// Unix seconds (the world's local time is UTC).
    pub time: i64,
    /// The user's last interactions, including those of this episode so far.
    pub history: &'a UserHistory,
}

/// Standardised predicted outcomes of candidate items, which the simulator ranks by
/// `Σ_k w_k ẑ_k` (docs/DESIGN.md §3.4).
pub trait SlateScorer: Send + Sync {
    /// One standardised prediction `[K]` per item of `items`, in the same order, for
    /// `request`.
    fn score(&self, request: &Request<'_>, items: &[usize]) -> Vec<[f64; K]>;

    /// [`SlateScorer::score`] for several requests at once (the episodes of a vectorised
    /// rollout), `items[r]` the candidates of `requests[r]`; equal to scoring them one by one,
    /// which is the default. A predictor answers them in one call.
    fn score_batch(&self, requests: &[Request<'_>], items: &[&[usize]]) -> Vec<Vec<[f64; K]>> {
        requests.iter().zip(items).map(|(r, i)| self.score(r, i)).collect()
    }

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
    fn score(&self, request: &Request<'_>, items: &[usize]) -> Vec<[f64; K]> {
        let (user, context) = (request.user, request.context);
        items
            .iter()
            .map(|&i| self.world.standardise(&self.world.expected(user, context, i)))
            .collect()
    }

    fn name(&self) -> &str {
        "truth"
    }
}
