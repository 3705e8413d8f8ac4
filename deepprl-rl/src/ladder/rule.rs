//! The weight rules of the ladder's levels: a table of weights per cell (the cell is given by
//! what the level may know: nothing, the hour bucket, the segment, the user), and for the
//! full-information level a shift towards the user's exact taste per satisfaction bucket.

use deepprl_data::world::{Episode, K, World};
use serde::Serialize;

/// Hour buckets of the contextual levels: 6 buckets of 4 hours (0–3, 4–7, ..., 20–23).
pub const HOUR_BUCKETS: usize = 6;
/// Upper edges of the satisfaction buckets of the full-information level (the last bucket is
/// open): satisfaction starts at 0 and sits around 0.8 under most static weights.
pub const SATISFACTION_EDGES: [f64; 3] = [0.3, 0.7, 1.0];
/// Satisfaction buckets.
pub const SATISFACTION_BUCKETS: usize = SATISFACTION_EDGES.len() + 1;
/// The values the full-information level's shift α may take, in search order.
pub const ALPHAS: [f64; 7] = [0.0, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0];

/// A level of the ladder, each knowing more than the one before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// `w = λ`.
    Lambda,
    /// The best single static weight vector.
    BestStatic,
    /// The best weights per hour bucket.
    PerHour,
    /// The best weights per segment × hour bucket.
    PerSegmentHour,
    /// The best weights per user × hour bucket.
    PerUserHour,
    /// Per user × hour bucket, shifted towards the user's exact taste by α per satisfaction
    /// bucket: `w ∝ w_{u,b} + α_j p_u(h)`.
    FullInformation,
}

impl Level {
    /// Every level, lowest first.
    pub const ALL: [Level; 6] = [
        Level::Lambda,
        Level::BestStatic,
        Level::PerHour,
        Level::PerSegmentHour,
        Level::PerUserHour,
        Level::FullInformation,
    ];

    /// The name used in tables and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Level::Lambda => "lambda",
            Level::BestStatic => "best_static",
            Level::PerHour => "per_hour",
            Level::PerSegmentHour => "per_segment_hour",
            Level::PerUserHour => "per_user_hour",
            Level::FullInformation => "full_information",
        }
    }
}

/// The hour bucket of `hour`.
pub fn hour_bucket(hour: u32) -> usize {
    (hour as usize % 24) / (24 / HOUR_BUCKETS)
}

/// The satisfaction bucket of `s`.
pub fn satisfaction_bucket(s: f64) -> usize {
    SATISFACTION_EDGES.iter().take_while(|&&e| s >= e).count()
}

/// The weights of one level: one vector per cell, and α per satisfaction bucket (0 below the
/// full-information level).
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// The level.
    pub level: Level,
    /// Weights per cell.
    pub cells: Vec<[f64; K]>,
    /// The full-information level's shift per satisfaction bucket, as indices into
    /// [`ALPHAS`].
    pub alpha: [usize; SATISFACTION_BUCKETS],
}

impl Rule {
    /// The `lambda` level: `w = λ`.
    pub fn lambda(lambda: [f64; K]) -> Self {
        Rule { level: Level::Lambda, cells: vec![lambda], alpha: [0; SATISFACTION_BUCKETS] }
    }

    /// Cells of `level` in `world`.
    pub fn n_cells(level: Level, world: &World) -> usize {
        match level {
            Level::Lambda | Level::BestStatic => 1,
            Level::PerHour => HOUR_BUCKETS,
            Level::PerSegmentHour => world.segments().len() * HOUR_BUCKETS,
            Level::PerUserHour | Level::FullInformation => world.users().len() * HOUR_BUCKETS,
        }
    }

    /// The cell of `user` at `hour` under `level`.
    pub fn cell_of(level: Level, world: &World, user: usize, hour: u32) -> usize {
        let b = hour_bucket(hour);
        match level {
            Level::Lambda | Level::BestStatic => 0,
            Level::PerHour => b,
            Level::PerSegmentHour => world.users()[user].segment * HOUR_BUCKETS + b,
            Level::PerUserHour | Level::FullInformation => user * HOUR_BUCKETS + b,
        }
    }

    /// This rule's weights carried to `level` (the next level up): every cell of `level`
    /// starts at the weights this rule gives in it, so the new rule acts exactly as this one.
    pub fn lift(&self, level: Level, world: &World) -> Rule {
        let cells = (0..Self::n_cells(level, world))
            .map(|c| {
                let (user, bucket) = match level {
                    Level::PerSegmentHour => {
                        let segment = c / HOUR_BUCKETS;
                        let user = world.users().iter().position(|u| u.segment == segment);
                        (user.unwrap_or(0), c % HOUR_BUCKETS)
                    }
                    Level::PerUserHour | Level::FullInformation => {
                        (c / HOUR_BUCKETS, c % HOUR_BUCKETS)
                    }
                    _ => (0, c % HOUR_BUCKETS),
                };
                let hour = (bucket * (24 / HOUR_BUCKETS)) as u32;
                self.cells[Self::cell_of(self.level, world, user, hour)]
            })
            .collect();
        Rule { level, cells, alpha: self.alpha }
    }

    /// The mean true taste of each cell of `level`: the taste `p_u(h)` averaged over the users
    /// and hours the cell covers (every user and hour for one cell, the segment's users, or the
    /// one user; the bucket's hours). The oracle knows it; the level only restricts what the
    /// weights may depend on.
    pub fn cell_tastes(level: Level, world: &World) -> Vec<[f64; K]> {
        let mut sum = vec![[0.0; K]; Self::n_cells(level, world)];
        let mut count = vec![0.0; sum.len()];
        for user in 0..world.users().len() {
            for hour in 0..24 {
                let c = Self::cell_of(level, world, user, hour);
                let p = world.taste(user, hour);
                (0..K).for_each(|k| sum[c][k] += p[k]);
                count[c] += 1.0;
            }
        }
        sum.iter().zip(&count).map(|(s, &n)| s.map(|x| x / f64::max(n, 1.0))).collect()
    }

    /// Every cell shifted by `alpha` along its direction: `w_c ∝ max(w_c + α d_c, 0)`.
    pub fn towards(&self, directions: &[[f64; K]], alpha: f64) -> Rule {
        let cells = self
            .cells
            .iter()
            .zip(directions)
            .map(|(w, t)| {
                let v: [f64; K] = std::array::from_fn(|k| (w[k] + alpha * t[k]).max(0.0));
                let s: f64 = v.iter().sum();
                v.map(|x| x / s)
            })
            .collect();
        Rule { cells, ..self.clone() }
    }

    /// The cell of the episode's next request.
    pub fn cell(&self, world: &World, ep: &Episode) -> usize {
        Self::cell_of(self.level, world, ep.user(), ep.context().hour)
    }

    /// The weights of the episode's next request.
    pub fn weights(&self, world: &World, ep: &Episode) -> [f64; K] {
        let w = self.cells[self.cell(world, ep)];
        if self.level != Level::FullInformation {
            return w;
        }
        let ctx = ep.context();
        let a = ALPHAS[self.alpha[satisfaction_bucket(ctx.satisfaction)]];
        if a == 0.0 {
            return w;
        }
        let p = world.taste(ep.user(), ctx.hour);
        let v: [f64; K] = std::array::from_fn(|k| w[k] + a * p[k]);
        let s: f64 = v.iter().sum();
        v.map(|x| x / s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_cover_their_ranges() {
        assert_eq!((0..24).map(hour_bucket).collect::<Vec<_>>()[..9], [0, 0, 0, 0, 1, 1, 1, 1, 2]);
        assert_eq!(hour_bucket(23), HOUR_BUCKETS - 1);
        assert_eq!(satisfaction_bucket(-1.0), 0);
        assert_eq!(satisfaction_bucket(0.3), 1);
        assert_eq!(satisfaction_bucket(0.99), 2);
        assert_eq!(satisfaction_bucket(5.0), SATISFACTION_BUCKETS - 1);
    }

    #[test]
    fn cell_tastes_average_the_taste_over_each_cells_users_and_hours() {
        use deepprl_data::world::WorldConfig;
        let world = World::new(&WorldConfig::small()).unwrap();
        let mean = |users: &[usize], hours: std::ops::Range<u32>| -> [f64; K] {
            let mut t = [0.0; K];
            let n = (users.len() * hours.len()) as f64;
            for &u in users {
                for h in hours.clone() {
                    let p = world.taste(u, h);
                    (0..K).for_each(|k| t[k] += p[k] / n);
                }
            }
            t
        };
        let close = |a: [f64; K], b: [f64; K]| (0..K).all(|k| (a[k] - b[k]).abs() < 1e-12);
        let everyone: Vec<usize> = (0..world.users().len()).collect();
        assert!(close(Rule::cell_tastes(Level::BestStatic, &world)[0], mean(&everyone, 0..24)));
        let seg1: Vec<usize> =
            everyone.iter().copied().filter(|&u| world.users()[u].segment == 1).collect();
        let cell = HOUR_BUCKETS + 5; // segment 1, hours 20–23
        assert!(close(Rule::cell_tastes(Level::PerSegmentHour, &world)[cell], mean(&seg1, 20..24)));
        let cell = 3 * HOUR_BUCKETS + 2; // user 3, hours 8–11
        assert!(close(Rule::cell_tastes(Level::PerUserHour, &world)[cell], mean(&[3], 8..12)));
    }

    #[test]
    fn towards_moves_each_cell_along_its_direction_on_the_simplex() {
        let rule = Rule {
            level: Level::PerHour,
            cells: vec![[0.5, 0.5, 0.0], [0.2, 0.3, 0.5]],
            alpha: [0; SATISFACTION_BUCKETS],
        };
        let dirs = [[0.0, 0.0, 1.0], [-1.0, 0.5, 0.5]];
        assert_eq!(rule.towards(&dirs, 0.0), rule);
        let moved = rule.towards(&dirs, 1.0);
        assert_eq!(moved.cells[0], [0.25, 0.25, 0.5]);
        // Negative weights are cut at 0 before normalising: [0, 0.8, 1.0] / 1.8.
        let w = moved.cells[1];
        assert!(
            (w[0]).abs() < 1e-15
                && (w[1] - 0.8 / 1.8).abs() < 1e-15
                && (w[2] - 1.0 / 1.8).abs() < 1e-15,
            "{w:?}"
        );
    }
}
