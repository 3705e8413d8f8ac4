//! The subcommands of the `deepprl` program.

pub mod data;
pub mod progress;
pub mod train;
