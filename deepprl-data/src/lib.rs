//! Datasets for deepprl.
//!
//! This crate will hold the dataset configs (TOML), the streaming loaders of real interaction
//! logs, id vocabularies, temporal train/validation/test splits, per-user histories and
//! batching, and the synthetic world: a ground-truth user model that generates logs, answers
//! slates and knows the true best objective weights per user and context.
//! It is filled by the data issue; see `DESIGN.md` §2 and §3.5.
