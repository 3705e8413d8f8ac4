//! The subcommands of the `deepprl` program.

pub mod data;
pub mod experiment;
pub mod progress;
pub mod rl;
pub mod train;
pub mod world;
