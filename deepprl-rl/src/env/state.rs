//! The state vector shared by the simulator and the logged re-ranking environment:
//! `[hour of day on the circle (sin, cos) | moving average of recent standardised slate
//! outcomes (K) | user features]`.
//!
//! The hour is encoded as a point on the unit circle rather than one-hot: 23:00 and 00:00 are
//! neighbours, and what the policy learns at well-visited hours carries over to the rarely
//! visited ones. With a 24-column one-hot the actor's weights at sparse hours were noise that
//! cost more than the context gained (the long-term experiment of `examples/long_term.rs`).

use crate::dcrl::StateLayout;

/// Hours in a day.
pub(crate) const HOURS: usize = 24;
/// Width of the context part: the hour's sine and cosine.
pub(crate) const CONTEXT: usize = 2;
/// Weight of the newest slate in the moving average of outcomes.
pub(crate) const EMA: f32 = 0.3;

/// Which columns of a state of `k` objectives and `d_user` user features are context and user.
pub(crate) fn layout(k: usize, d_user: usize) -> StateLayout {
    StateLayout {
        dim: CONTEXT + k + d_user,
        user: (d_user > 0).then(|| CONTEXT + k..CONTEXT + k + d_user),
        context: Some(0..CONTEXT),
    }
}

/// The state for `hour`, the moving average `recent` and the user's `features`.
pub(crate) fn observe(hour: usize, recent: &[f32], features: &[f32]) -> Vec<f32> {
    let k = recent.len();
    let mut s = vec![0.0; CONTEXT + k + features.len()];
    let angle = (hour % HOURS) as f32 / HOURS as f32 * std::f32::consts::TAU;
    (s[0], s[1]) = (angle.sin(), angle.cos());
    s[CONTEXT..CONTEXT + k].copy_from_slice(recent);
    s[CONTEXT + k..].copy_from_slice(features);
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
        let one = observe(1, &[0.5, -1.0], &[7.0]);
        assert_eq!(s, one, "hour 25 wraps to 1");
        let angle = std::f32::consts::TAU / 24.0;
        assert_eq!((s[0], s[1]), (angle.sin(), angle.cos()));
        let (six, eighteen) = (observe(6, &[], &[]), observe(18, &[], &[]));
        assert!((six[0] - 1.0).abs() < 1e-6 && (eighteen[0] + 1.0).abs() < 1e-6);
        let d = |a: &[f32], b: &[f32]| ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt();
        let (h23, h0, h12) = (observe(23, &[], &[]), observe(0, &[], &[]), observe(12, &[], &[]));
        assert!(d(&h23, &h0) < 0.3 && d(&h0, &h12) > 1.9, "midnight neighbours 23:00");
        assert_eq!(&s[CONTEXT..CONTEXT + 2], &[0.5, -1.0]);
        assert_eq!(s[l.user.expect("a user part")][..], [7.0]);
        let mut recent = [1.0, 0.0];
        blend(&mut recent, &[0.0, 1.0]);
        assert_eq!(recent, [0.7, 0.3]);
    }
}
