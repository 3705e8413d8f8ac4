//! The `grid-segment-hour` policy of stage B (docs/DESIGN.md §4): contextual without RL.
//!
//! For each λ of the grid, every cell of a [`SegmentHourWeights`] table (user segment × 4-hour
//! bucket) starts at the `grid` policy's best weights for that λ ([`super::grid`]) and moves by
//! coordinate ascent over each segment's row, each hour bucket's column and each cell, on the
//! lattice of step `1 / grid_divisions`, ranked with the method's own
//! predictor, on selection episodes only ([`StageEnv::selection_return`]: the simulator's
//! [`super::simulator::SEGMENT_HOUR_SEED`] episodes, or the validation users' requests), each
//! move taken only when significant ([`deepprl_rl::policies::search`]). The table is then
//! evaluated like any policy, and saved to `lambda<j>/segment_hour.csv` of the run folder.
//!
//! The record keeps, for the headline λ, the table's start (`grid_weight.<objective>`), the
//! moves taken (`segment_hour.moves`), the cells that left the start
//! (`segment_hour.cells_moved`), the mean gain per selection episode over the start
//! (`segment_hour.selection_gain`), the episodes the search ran
//! (`segment_hour.episode_runs`) and the median number of selection episodes that reach a cell
//! some episode reaches (`segment_hour.cell_episodes`); the table itself (72 weights for the world's 4 segments) is
//! in the CSV, since one metric per weight would make the report's tables unreadable.

use crate::stage_b::context::RunContext;
use crate::stage_b::env::StageEnv;
use crate::stage_b::grid;
use crate::{Error, Result};
use deepprl_models::WeightPolicy;
use deepprl_report::RunRecord;
use deepprl_rl::policies::{SegmentHourWeights, TableSearch, search};

/// Sweeps over the groups of cells (rows, columns, cells) at most: one, as the ladder's
/// default (a second sweep over single cells costs as much as the first and found little).
pub const SWEEPS: usize = 1;
/// Moves of one group per sweep at most (the ladder's bound per cell).
pub const MOVES: usize = 4;
/// The policy's name.
const NAME: &str = "grid-segment-hour";

/// Searches and evaluates the table of every λ of `lambdas` on `env`, in their order; records
/// the headline λ's search in `rec`.
///
/// # Errors
/// If the state has no hour, a grid point or the table cannot be scored, the table cannot be
/// saved, or an evaluation fails.
pub fn drive_segment_hour<E: StageEnv>(
    ctx: &RunContext<'_>,
    env: &mut E,
    lambdas: &[Vec<f64>],
    rec: &mut RunRecord,
) -> Result<Vec<E::Evaluation>> {
    let starts = grid::best_per_lambda(ctx, env, lambdas, 0.1)?;
    let layout = env.layout();
    let hour = match &layout.context {
        Some(c) if c.len() >= 2 => c.start,
        c => {
            let reason = format!("needs the hour's (sin, cos) as context, got {c:?}");
            return Err(deepprl_rl::Error::config(NAME, reason).into());
        }
    };
    let segments = env.feature_columns()?;
    let settings = TableSearch {
        episodes: env.selection_episodes(),
        divisions: ctx.config.rl.grid_divisions,
        sweeps: SWEEPS,
        moves: MOVES,
    };
    let mut evals = Vec::with_capacity(lambdas.len());
    for (j, (lambda, start)) in lambdas.iter().zip(&starts).enumerate() {
        let table = SegmentHourWeights::new(NAME, start, env.state_dim(), hour, segments.clone())?;
        let mut run = |p: &mut dyn WeightPolicy, e: usize| env.selection_return(p, lambda, e);
        let mut found = search(table, &settings, &mut run)?;
        let dir = ctx.run_dir.join(format!("lambda{j}"));
        std::fs::create_dir_all(&dir).map_err(|source| Error::Io { path: dir.clone(), source })?;
        found.table.save(&dir.join("segment_hour.csv"))?;
        evals.push(env.evaluate(&mut found.table, lambda, j == 0)?);
        if j == 0 {
            for (name, w) in ctx.data.objectives().iter().zip(start) {
                rec.metrics.insert(format!("grid_weight.{name}"), f64::from(*w));
            }
            let n = found.returns.len().max(1) as f64;
            let gain: f64 =
                found.returns.iter().zip(&found.start_returns).map(|(a, b)| a - b).sum::<f64>();
            let moved =
                (0..found.table.n_cells()).filter(|&c| found.table.weights(c) != start).count();
            rec.metrics.insert("segment_hour.moves".into(), found.moves as f64);
            rec.metrics.insert("segment_hour.cells_moved".into(), moved as f64);
            rec.metrics.insert("segment_hour.selection_gain".into(), gain / n);
            rec.metrics.insert("segment_hour.episode_runs".into(), found.episode_runs as f64);
            let mut seen: Vec<usize> =
                found.cell_episodes.iter().copied().filter(|&n| n > 0).collect();
            seen.sort_unstable();
            if let Some(&median) = seen.get(seen.len() / 2) {
                rec.metrics.insert("segment_hour.cell_episodes".into(), median as f64);
            }
        }
        (ctx.progress)(0.1 + 0.9 * (j + 1) as f64 / lambdas.len() as f64);
    }
    Ok(evals)
}

#[cfg(test)]
#[path = "segment_hour_tests.rs"]
mod tests;
