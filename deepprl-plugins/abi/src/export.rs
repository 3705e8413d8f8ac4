//! [`export_plugin!`](crate::export_plugin): the one exported symbol of a plugin.

/// Exports a plugin type as this cdylib's [`ENTRY_SYMBOL`](crate::ENTRY_SYMBOL).
///
/// `export_plugin!(predictor: MyModel)` for a [`PredictorPlugin`](crate::PredictorPlugin),
/// `export_plugin!(weight_policy: MyPolicy)` for a [`PolicyPlugin`](crate::PolicyPlugin).
/// The vtable is a `static` built at compile time, with the crate's `CARGO_PKG_VERSION`.
///
/// Use it once per cdylib, and never link two plugin rlibs into one binary: each defines the same
/// unmangled symbol, which the linker rejects as a duplicate.
/// The expansion carries its own `#[allow(unsafe_code)]` (exporting an unmangled symbol is an
/// unsafe attribute), so a plugin crate itself can keep `unsafe_code = "deny"`.
#[macro_export]
macro_rules! export_plugin {
    (predictor: $model:ty) => {
        $crate::export_plugin!(@entry $crate::DpModelVTable::predictor::<$model>);
    };
    (weight_policy: $model:ty) => {
        $crate::export_plugin!(@entry $crate::DpModelVTable::weight_policy::<$model>);
    };
    (@entry $build:expr) => {
        /// The plugin's entry point: its `'static` vtable.
        #[allow(unsafe_code)]
        #[unsafe(no_mangle)]
        pub extern "C" fn deepprl_plugin_entry_v1() -> *const $crate::DpModelVTable {
            static VTABLE: $crate::DpModelVTable = $build(env!("CARGO_PKG_VERSION"));
            &VTABLE
        }
    };
}
