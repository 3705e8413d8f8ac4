//! What a predictor plugin receives besides the tensors, defined under the ABI version since
//! ABI 1.1 ([`DP_LAYOUT_MINOR`]): the flat layout of a batch and the `[schema]` table.
//!
//! **The flat batch.** `x` is `[batch, n_ids + n_numeric]`: first one column per categorical
//! field, the id as an `f32` (exact below [`MAX_EXACT_ID`]), in the schema's field order, then
//! the numeric features in the schema's order ([`FlatLayout`]).
//! `targets` is `[batch, K]`, one column per objective in the schema's order.
//! Histories do not cross.
//!
//! **The schema table.** The host appends a TOML table named [`SCHEMA_TABLE`] to the config
//! text of a predictor, with the keys [`SCHEMA_KEYS`]: `cat_fields` is an array of tables with
//! the keys [`CAT_FIELD_KEYS`] (`role` one of [`FIELD_ROLES`]), `n_numeric` and `history_len`
//! are integers, `objectives` is an array of `[name, kind]` pairs (`kind` one of
//! [`OBJECTIVE_KINDS`]).
//!
//! ```
//! use deepprl_plugin_abi::FlatLayout;
//! let layout = FlatLayout { n_ids: 4, n_numeric: 2 };
//! assert_eq!((layout.width(), layout.ids(), layout.numeric()), (6, 0..4, 4..6));
//! ```

use core::ops::Range;

/// The ABI minor version (of major 1) that defines this layout; the host refuses a predictor
/// plugin built for an older minor.
pub const DP_LAYOUT_MINOR: u32 = 1;

/// Ids at or above this are not exact in `f32`, so a schema with a larger cardinality cannot
/// cross.
pub const MAX_EXACT_ID: usize = 1 << 24;

/// The name of the table the host appends to a predictor's config text.
pub const SCHEMA_TABLE: &str = "schema";

/// The keys of the schema table, in the order the host writes them.
pub const SCHEMA_KEYS: [&str; 4] = ["cat_fields", "n_numeric", "objectives", "history_len"];

/// The keys of each entry of `cat_fields`.
pub const CAT_FIELD_KEYS: [&str; 3] = ["name", "role", "cardinality"];

/// The values of a field's `role`.
pub const FIELD_ROLES: [&str; 5] = ["user", "item", "item_side", "context", "other"];

/// The values of an objective's `kind`: `binary` (targets 0/1, predictions are probabilities)
/// or `continuous` (predictions are values).
pub const OBJECTIVE_KINDS: [&str; 2] = ["binary", "continuous"];

/// The columns of a flat batch `x`: the ids first, then the numeric features.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlatLayout {
    /// Number of categorical fields (id columns).
    pub n_ids: usize,
    /// Number of numeric features.
    pub n_numeric: usize,
}

impl FlatLayout {
    /// Width of `x`.
    pub const fn width(&self) -> usize {
        self.n_ids + self.n_numeric
    }

    /// The id columns.
    pub const fn ids(&self) -> Range<usize> {
        0..self.n_ids
    }

    /// The numeric columns.
    pub const fn numeric(&self) -> Range<usize> {
        self.n_ids..self.width()
    }
}
