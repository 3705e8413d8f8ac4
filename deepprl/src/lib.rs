//! The deepprl facade: re-exports the libraries.
#![warn(missing_docs)]
pub use deepprl_core as core;
