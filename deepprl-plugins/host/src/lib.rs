//! The deepprl plugin host.
//!
//! This crate will load baseline models (Shared-Bottom, MMOE, MORL) built as C-ABI cdylibs
//! against the contract in `PLUGINS.md`, check their headers, and wrap them in the same
//! predictor and weight-policy traits as the in-tree models.
//! The ABI crate and the baseline plugin crates will sit beside it under `deepprl-plugins/`.
//! It is filled by the plugins issue.
