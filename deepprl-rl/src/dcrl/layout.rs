//! Which columns of a state vector are the user part and the context part, so the
//! `personalised = false` and `context = false` ablations can remove them everywhere.

use std::ops::Range;

/// The parts of a flat state (any order, any part may be absent; columns in neither are always
/// kept): the environments' `[hour, weekday | user encoding and features | progress]`
/// (docs/DESIGN.md §3.4).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StateLayout {
    /// Total width.
    pub dim: usize,
    /// Columns of the user part.
    pub user: Option<Range<usize>>,
    /// Columns of the context.
    pub context: Option<Range<usize>>,
}

impl StateLayout {
    /// A state whose columns are all context (e.g. a one-hot context).
    pub fn all_context(dim: usize) -> Self {
        Self { dim, user: None, context: Some(0..dim) }
    }

    /// The columns a policy keeps given the two switches.
    pub fn kept(&self, personalised: bool, context: bool) -> Vec<usize> {
        (0..self.dim)
            .filter(|c| personalised || !self.user.as_ref().is_some_and(|r| r.contains(c)))
            .filter(|c| context || !self.context.as_ref().is_some_and(|r| r.contains(c)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn switches_remove_their_columns() {
        let l = StateLayout { dim: 6, user: Some(2..4), context: Some(4..6) };
        assert_eq!(l.kept(true, true), vec![0, 1, 2, 3, 4, 5]);
        assert_eq!(l.kept(false, true), vec![0, 1, 4, 5]);
        assert_eq!(l.kept(true, false), vec![0, 1, 2, 3]);
        assert_eq!(l.kept(false, false), vec![0, 1]);
    }
}
