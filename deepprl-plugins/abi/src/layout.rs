//! What a predictor plugin receives besides the tensors, defined under the ABI version since
//! ABI 1.1 and extended with histories by ABI 1.2 ([`DP_LAYOUT_MINOR`]): the flat layout of a
//! batch and the `[schema]` table.
//!
//! **The flat batch.** `x` is `[batch, n_ids + n_numeric + L · (K + 3)]` ([`FlatLayout`]):
//! 1. one column per categorical field, the id as an `f32` (exact below [`MAX_EXACT_ID`]), in
//!    the schema's field order;
//! 2. the numeric features in the schema's order;
//! 3. when the schema's `history_len` L is above 0, the history, oldest step first, in four
//!    blocks: L item ids (as `f32`, ids of the schema's `item` field; 0 at padding), L · K
//!    outcomes (row-major per step: step t's outcome of objective k in column `t · K + k` of
//!    the block), L interval features δ, and L mask values (1 for a real step, 0 for padding).
//!
//! `targets` is `[batch, K]`, one column per objective in the schema's order.
//! With `history_len = 0` the history blocks are empty and `x` is exactly the ABI 1.1 layout,
//! which is why the host still accepts a predictor built for 1.1 for such a schema, and refuses
//! it (before creating a model) for a schema with histories.
//!
//! **The schema table.** The host appends a TOML table named [`SCHEMA_TABLE`] to the config
//! text of a predictor, with the keys [`SCHEMA_KEYS`]: `cat_fields` is an array of tables with
//! the keys [`CAT_FIELD_KEYS`] (`role` one of [`FIELD_ROLES`]), `n_numeric` and `history_len`
//! are integers, `objectives` is an array of `[name, kind]` pairs (`kind` one of
//! [`OBJECTIVE_KINDS`]).
//!
//! ```
//! use deepprl_plugin_abi::FlatLayout;
//! let layout = FlatLayout { n_ids: 4, n_numeric: 2, history_len: 0, n_objectives: 2 };
//! assert_eq!((layout.width(), layout.ids(), layout.numeric()), (6, 0..4, 4..6));
//! // Histories of 3 steps and 2 objectives: 3 items, 3 × 2 outcomes, 3 δ, 3 mask values.
//! let layout = FlatLayout { history_len: 3, ..layout };
//! assert_eq!(layout.width(), 6 + 3 + 6 + 3 + 3);
//! assert_eq!(layout.history_items(), 6..9);
//! assert_eq!(layout.history_outcomes(), 9..15);
//! assert_eq!(layout.history_delta(), 15..18);
//! assert_eq!(layout.history_mask(), 18..21);
//! assert_eq!(layout.history_outcome(2, 1), 14);
//! ```

use core::ops::Range;

/// The ABI minor version (of major 1) that defines this layout, with histories.
pub const DP_LAYOUT_MINOR: u32 = 2;

/// The oldest ABI minor whose layout a predictor may be built for: 1.1, the flat batch without
/// histories. The host refuses a predictor built for an older minor at load, and one built for
/// a minor below [`DP_LAYOUT_MINOR`] when the schema has histories.
pub const DP_FLAT_MINOR: u32 = 1;

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

/// The columns of a flat batch `x`: the ids, the numeric features, then the history's items,
/// outcomes, intervals and mask (empty when `history_len` is 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlatLayout {
    /// Number of categorical fields (id columns).
    pub n_ids: usize,
    /// Number of numeric features.
    pub n_numeric: usize,
    /// History length L (0: no history columns).
    pub history_len: usize,
    /// Number of objectives K (outcomes per history step).
    pub n_objectives: usize,
}

impl FlatLayout {
    /// Width of `x`, `n_ids + n_numeric + L · (K + 3)`.
    pub const fn width(&self) -> usize {
        self.history_mask().end
    }

    /// The id columns.
    pub const fn ids(&self) -> Range<usize> {
        0..self.n_ids
    }

    /// The numeric columns.
    pub const fn numeric(&self) -> Range<usize> {
        self.n_ids..self.n_ids + self.n_numeric
    }

    /// The history's item ids, one column per step.
    pub const fn history_items(&self) -> Range<usize> {
        let start = self.numeric().end;
        start..start + self.history_len
    }

    /// The history's outcomes, K columns per step, step-major.
    pub const fn history_outcomes(&self) -> Range<usize> {
        let start = self.history_items().end;
        start..start + self.history_len * self.n_objectives
    }

    /// The column of step `t`'s outcome of objective `k`.
    pub const fn history_outcome(&self, t: usize, k: usize) -> usize {
        self.history_outcomes().start + t * self.n_objectives + k
    }

    /// The history's interval features δ, one column per step.
    pub const fn history_delta(&self) -> Range<usize> {
        let start = self.history_outcomes().end;
        start..start + self.history_len
    }

    /// The history's mask (1 real step, 0 padding), one column per step.
    pub const fn history_mask(&self) -> Range<usize> {
        let start = self.history_delta().end;
        start..start + self.history_len
    }
}
