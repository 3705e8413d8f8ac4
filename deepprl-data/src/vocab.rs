//! Vocabularies: raw ids (any text) to dense indices, with row 0 reserved for unknown ids.
//!
//! ```
//! use deepprl_data::vocab::{UNKNOWN, Vocab};
//! let v = Vocab::from_names(["alice", "bob"]);
//! assert_eq!(v.len(), 3); // the unknown row + 2
//! assert_eq!(v.get("bob"), 2);
//! assert_eq!(v.get("carol"), UNKNOWN);
//! assert_eq!(v.name(0), "<unk>");
//! ```

use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The index of the reserved out-of-vocabulary row in every vocabulary.
pub const UNKNOWN: u32 = 0;

/// The display name of [`UNKNOWN`].
pub const UNKNOWN_NAME: &str = "<unk>";

/// A vocabulary: index 0 is the unknown row, indices 1.. are known ids in order of first
/// appearance (in the training slice, in time order).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vocab {
    names: Vec<String>,
    #[serde(skip)]
    index: HashMap<String, u32>,
}

impl Vocab {
    /// A vocabulary of `names` (indices 1..); repeated names keep their first index.
    pub fn from_names<S: Into<String>>(names: impl IntoIterator<Item = S>) -> Self {
        let mut v = Vocab { names: vec![UNKNOWN_NAME.to_string()], index: HashMap::new() };
        for n in names {
            let n = n.into();
            if !v.index.contains_key(&n) {
                v.index.insert(n.clone(), v.names.len() as u32);
                v.names.push(n);
            }
        }
        v
    }

    /// Rebuilds the lookup table after deserialising (only `names` is stored).
    pub fn rebuild_index(&mut self) {
        self.index =
            self.names.iter().enumerate().skip(1).map(|(i, n)| (n.clone(), i as u32)).collect();
    }

    /// Number of rows, including the unknown row.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether the vocabulary has only the unknown row.
    pub fn is_empty(&self) -> bool {
        self.names.len() == 1
    }

    /// The index of `name`, or [`UNKNOWN`].
    pub fn get(&self, name: &str) -> u32 {
        self.index.get(name).copied().unwrap_or(UNKNOWN)
    }

    /// The name at `index` ([`UNKNOWN_NAME`] for 0).
    ///
    /// # Panics
    /// If `index` is out of range.
    pub fn name(&self, index: u32) -> &str {
        &self.names[index as usize]
    }

    /// All names, index order (the first is [`UNKNOWN_NAME`]).
    pub fn names(&self) -> &[String] {
        &self.names
    }
}

/// Interns raw byte strings to dense ids 0.. while a file is read (no unknown row).
#[derive(Debug, Default)]
pub(crate) struct Interner {
    map: HashMap<Box<[u8]>, u32>,
    names: Vec<Box<[u8]>>,
}

impl Interner {
    /// The id of `raw`, assigning the next one if it is new.
    pub(crate) fn intern(&mut self, raw: &[u8]) -> u32 {
        if let Some(&id) = self.map.get(raw) {
            return id;
        }
        let id = self.names.len() as u32;
        let key: Box<[u8]> = raw.into();
        self.names.push(key.clone());
        self.map.insert(key, id);
        id
    }

    /// Number of distinct strings seen.
    pub(crate) fn len(&self) -> usize {
        self.names.len()
    }

    /// The text of id `id` (lossy UTF-8).
    pub(crate) fn name(&self, id: u32) -> String {
        String::from_utf8_lossy(&self.names[id as usize]).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interner_is_dense_and_stable() {
        let mut i = Interner::default();
        assert_eq!([i.intern(b"x"), i.intern(b"y"), i.intern(b"x")], [0, 1, 0]);
        assert_eq!((i.len(), i.name(1).as_str()), (2, "y"));
    }

    #[test]
    fn vocab_survives_a_serde_round_trip() {
        let v = Vocab::from_names(["a", "b", "a"]);
        assert_eq!(v.len(), 3);
        let mut back: Vocab = toml::from_str(&toml::to_string(&v).unwrap()).unwrap();
        back.rebuild_index();
        assert_eq!(back, v);
        assert_eq!(back.get("b"), 2);
    }
}
