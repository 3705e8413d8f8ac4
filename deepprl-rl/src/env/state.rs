//! The state vector shared by the simulator and logged re-ranking (docs/DESIGN.md §3.4):
//! `[hour (sin, cos), weekday (sin, cos) | the user's encoding (the frozen MoH's SA-Time-LSTM
//! over the history, and the user embedding) and user features | progress: step in session
//! and day in episode]`.
//!
//! The hour is encoded as a point on the unit circle rather than one-hot: 23:00 and 00:00 are
//! neighbours, and what the policy learns at well-visited hours carries over to the rarely
//! visited ones. With a 24-column one-hot the actor's weights at sparse hours were noise that
//! cost more than the context gained (the long-term experiment of `examples/long_term.rs`).

use crate::dcrl::StateLayout;

/// Hours in a day.
pub(crate) const HOURS: usize = 24;
/// Days in a week.
const WEEKDAYS: usize = 7;
/// Width of the context part: the hour's and the weekday's sine and cosine.
pub(crate) const CALENDAR: usize = 4;
/// Width of the progress part: step in session and day in episode.
pub(crate) const PROGRESS: usize = 2;

/// Which columns of a state with a user part of `d_user` are context and user; the
/// progress columns are always kept.
pub(crate) fn layout(d_user: usize) -> StateLayout {
    StateLayout {
        dim: CALENDAR + d_user + PROGRESS,
        user: (d_user > 0).then(|| CALENDAR..CALENDAR + d_user),
        context: Some(0..CALENDAR),
    }
}

/// Where a request stands: its calendar and its place in the episode.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Moment {
    /// Local hour, 0..=23.
    pub hour: usize,
    /// Weekday, Monday = 0.
    pub weekday: usize,
    /// Steps taken in the session over the session's step limit.
    pub step: f32,
    /// The day over the episode's days.
    pub day: f32,
}

fn circle(value: usize, period: usize) -> (f32, f32) {
    let angle = (value % period) as f32 / period as f32 * std::f32::consts::TAU;
    (angle.sin(), angle.cos())
}

/// The state at `moment` for a user part `user` (encoding, then features).
pub(crate) fn observe(moment: Moment, user: &[f32]) -> Vec<f32> {
    let mut s = Vec::with_capacity(CALENDAR + user.len() + PROGRESS);
    let (hs, hc) = circle(moment.hour, HOURS);
    let (ws, wc) = circle(moment.weekday, WEEKDAYS);
    s.extend([hs, hc, ws, wc]);
    s.extend_from_slice(user);
    s.extend([moment.step, moment.day]);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_simulators_state_follows_its_layout() {
        let m = Moment { hour: 6, weekday: 3, step: 0.25, day: 0.5 };
        let s = observe(m, &[7.0, 8.0]);
        let l = layout(2);
        assert_eq!(s.len(), l.dim);
        assert!((s[0] - 1.0).abs() < 1e-6 && s[1].abs() < 1e-6, "06:00 is a quarter turn");
        let (ws, wc) = circle(3, 7);
        assert_eq!((s[2], s[3]), (ws, wc));
        assert_eq!(&s[l.user.clone().expect("a user part")], &[7.0, 8.0]);
        assert_eq!(&s[l.context.clone().expect("a context part")], &s[..4]);
        assert_eq!(&s[6..], &[0.25, 0.5], "progress comes last");
        let sunday = observe(Moment { weekday: 6, ..m }, &[]);
        let monday = observe(Moment { weekday: 0, ..m }, &[]);
        let thursday = observe(Moment { weekday: 3, ..m }, &[]);
        let d = |a: &[f32], b: &[f32]| ((a[2] - b[2]).powi(2) + (a[3] - b[3]).powi(2)).sqrt();
        assert!(d(&sunday, &monday) < d(&monday, &thursday), "Sunday neighbours Monday");
        assert_eq!(layout(0).user, None);
    }
}
