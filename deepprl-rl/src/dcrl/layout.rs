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

    /// The columns of the user features, one-hots of user-level categorical features (the
    /// world's segment): the last `d_features` columns of the user part, where both
    /// environments put them, after the user's encoding (docs/DESIGN.md §3.4). `None` when
    /// `d_features` is 0.
    ///
    /// # Errors
    /// [`crate::Error::Shape`] if the user part is narrower than `d_features`.
    pub fn features(&self, d_features: usize) -> crate::Result<Option<Range<usize>>> {
        if d_features == 0 {
            return Ok(None);
        }
        match &self.user {
            Some(user) if user.len() >= d_features => Ok(Some(user.end - d_features..user.end)),
            user => Err(crate::Error::Shape(format!(
                "{d_features} user feature columns in a user part {user:?}"
            ))),
        }
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

    #[test]
    fn the_user_features_are_the_end_of_the_user_part() {
        let l = StateLayout { dim: 9, user: Some(4..7), context: Some(0..4) };
        assert_eq!(l.features(2).ok(), Some(Some(5..7)));
        assert_eq!(l.features(3).ok(), Some(Some(4..7)));
        assert_eq!(l.features(0).ok(), Some(None));
        assert!(l.features(4).is_err(), "wider than the user part");
        assert!(StateLayout::all_context(4).features(1).is_err(), "no user part");
    }
}
