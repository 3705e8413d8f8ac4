//! Datasets for deepprl: configs, loaders, splits, histories, batches, request groups, and the
//! synthetic world.
//!
//! A dataset config (TOML, see `CONFIG.md`) maps a delimited file's columns to roles; the
//! [`loader`] reads it in one streaming pass into a [`Dataset`], the one in-memory shape that
//! models and RL consume: rows in time order with vocabulary-indexed ids, context and
//! features, K objective outcomes, a temporal [`Split`], and [`meta::Metadata`] with the
//! training-slice statistics.
//! The [`world`] is a ground-truth user model that generates logs in the same shape, answers
//! slates and knows the expected outcome of every (user, context, item).
//!
//! ```
//! use deepprl_data::{Batcher, Histories, Slice, world::{World, WorldConfig}};
//! let world = World::new(&WorldConfig::small())?;
//! let ds = world.generate_log(&mut deepprl_core::rng::seeded(0))?;
//! let histories = Histories::new(&ds);
//! let mut rng = deepprl_core::rng::seeded(1);
//! let mut batches = Batcher::new(&ds, ds.rows(Slice::Train), 32).shuffled(&mut rng).with_histories(&histories);
//! let batch = batches.next().expect("the training slice is not empty");
//! assert_eq!(batch.history.expect("asked for").items.dim(), (32, ds.meta.history_len));
//! # Ok::<(), deepprl_data::Error>(())
//! ```
#![warn(missing_docs)]

pub mod batch;
pub mod bounds;
mod builder;
pub mod config;
mod crlf;
pub mod dataset;
pub mod error;
mod events;
pub mod expr;
mod fields;
pub mod history;
mod joins;
pub mod loader;
pub mod meta;
mod reader;
pub mod requests;
pub mod split;
pub mod stats;
pub mod summary;
pub mod time;
pub mod vocab;
pub mod world;

pub use batch::{Batch, Batcher};
pub use config::{DatasetConfig, RequestsConfig};
pub use dataset::{Dataset, Slice, Split, Vocabs};
pub use error::{Error, Result};
pub use history::{Histories, HistoryBatch};
pub use loader::load;
pub use meta::Metadata;
pub use requests::{Request, requests};
pub use summary::{Summary, summary};
