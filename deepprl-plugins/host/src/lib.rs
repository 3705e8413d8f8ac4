//! The deepprl plugin host: loads baseline models built as C-ABI cdylibs against
//! [`deepprl_plugin_abi`] and wraps them in the traits the in-tree models implement, so the
//! experiment code cannot tell a plugin from the MoH.
//!
//! - [`PluginRegistry`] loads a library once per path, checks the file before `dlopen` (a
//!   regular file and a complete ELF, Mach-O or PE image: [`check_plugin_file`]) and its header
//!   after (symbol, magic, ABI major, vtable size, strings, kind, functions), and never unloads
//!   it.
//! - [`discover`], [`list_plugins`] and [`find_plugin`] scan the plugin directories
//!   (`$DEEPPRL_PLUGIN_DIR`, else next to the binary, then the workspace's `target/`).
//! - [`ModelHandle`] makes the raw calls; a plugin panic becomes [`Status::Panic`] and the handle
//!   refuses every later call.
//! - [`PluginPredictor`] is a `deepprl_models::Predictor`, [`PluginWeightPolicy`] a
//!   `deepprl_models::WeightPolicy`; their errors are `deepprl_models::Error::Plugin` values
//!   whose source is this crate's [`Error`] (see [`plugin_error`]).
//!
//! ```no_run
//! use deepprl_models::Predictor;
//! use deepprl_plugins::{CreateOptions, PluginPredictor, find_plugin};
//! # fn run(schema: &deepprl_models::Schema, batch: &deepprl_models::Batch) -> anyhow::Result<()> {
//! let mmoe = find_plugin("mmoe")?;
//! let mut model = PluginPredictor::new(&mmoe, "n_experts = 4", schema, CreateOptions::default())?;
//! let loss = model.train_step(batch)?;
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

mod discover;
mod error;
#[allow(unsafe_code)]
mod handle;
mod image;
#[allow(unsafe_code)]
mod loader;
mod policy;
mod predictor;
#[cfg(feature = "testing")]
pub mod testing;

pub use discover::{
    DiscoveryReport, Found, PLUGIN_DIR_ENV, Rejected, Shadowed, discover, find_plugin,
    find_plugin_in, is_plugin_file_name, list_plugins, plugin_dirs,
};
pub use error::{CallError, Error, LoadError, Result, Status, plugin_error};
pub use handle::ModelHandle;
pub use image::check_plugin_file;
pub use loader::{Plugin, PluginInfo, PluginKind, PluginRegistry, load_library};
pub use policy::PluginWeightPolicy;
pub use predictor::{CreateOptions, PluginPredictor};
