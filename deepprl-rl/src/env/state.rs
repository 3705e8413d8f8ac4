//! The state vector shared by the simulator and the logged re-ranking environment:
//! `[hour of day one-hot (24) | moving average of recent standardised slate outcomes (K) |
//! user features]`.

use crate::dcrl::StateLayout;

/// Hours in a day: the width of the context part.
pub(crate) const HOURS: usize = 24;
/// Weight of the newest slate in the moving average of outcomes.
pub(crate) const EMA: f32 = 0.3;

/// Which columns of a state of `k` objectives and `d_user` user features are context and user.
pub(crate) fn layout(k: usize, d_user: usize) -> StateLayout {
    StateLayout {
        dim: HOURS + k + d_user,
        user: (d_user > 0).then(|| HOURS + k..HOURS + k + d_user),
        context: Some(0..HOURS),
    }
}

/// The state for `hour`, the moving average `recent` and the user's `features`.
pub(crate) fn observe(hour: usize, recent: &[f32], features: &[f32]) -> Vec<f32> {
    let k = recent.len();
    let mut s = vec![0.0; HOURS + k + features.len()];
    s[hour % HOURS] = 1.0;
    s[HOURS..HOURS + k].copy_from_slice(recent);
    s[HOURS + k..].copy_from_slice(features);
    s
}

/// Moves the average `recent` towards `reward`.
pub(crate) fn blend(recent: &mut [f32], reward: &[f32]) {
    for (r, &x) in recent.iter_mut().zip(reward) {
        *r = (1.0 - EMA) * *r + EMA * x;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn observation_follows_the_layout() {
        let s = observe(25, &[0.5, -1.0], &[7.0]);
        let l = layout(2, 1);
        assert_eq!(s.len(), l.dim);
        assert_eq!(s[1], 1.0, "hour 25 wraps to 1");
        assert_eq!(s.iter().take(HOURS).sum::<f32>(), 1.0);
        assert_eq!(&s[HOURS..HOURS + 2], &[0.5, -1.0]);
        assert_eq!(s[l.user.expect("a user part")][..], [7.0]);
        let mut recent = [1.0, 0.0];
        blend(&mut recent, &[0.0, 1.0]);
        assert_eq!(recent, [0.7, 0.3]);
    }
}
