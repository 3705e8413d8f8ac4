//! DCRL checkpoints: every network (θ included, as `actor.theta`), both optimisers, the
//! counters and RNG position, the current λ, and the agent's variant `(conditioned, nest, K)`;
//! with stage C also the SA-Time-LSTM, its target copy and its optimiser (`encoder.*`,
//! `encoder_target.*`, `opt_encoder.*`; the embedding tables are the MoH's and not stored).
//!
//! Loading checks the variant first, so a checkpoint of another shape (say a per-λ agent into a
//! conditioned one) is a clear error naming both; a file without a variant is from before the
//! switches existed and holds a per-λ, unnested agent.

use super::agent::Dcrl;
use crate::codec::{from_chunks, to_chunks};
use deepprl_core::Parameterized;
use deepprl_core::io::{self, TensorFile};
use deepprl_core::rng::seeded;
use std::path::Path;

fn variant(conditioned: bool, nest: bool, k: usize) -> Vec<f32> {
    vec![f32::from(u8::from(conditioned)), f32::from(u8::from(nest)), k as f32]
}

fn describe(v: &[f32]) -> String {
    match v {
        [c, n, k] => format!("conditioned = {}, nest = {}, K = {k}", *c == 1.0, *n == 1.0),
        _ => format!("a malformed variant {v:?}"),
    }
}

fn bad(path: &Path, name: &str, reason: String) -> deepprl_models::Error {
    deepprl_core::Error::ParamMismatch { path: path.to_path_buf(), name: name.into(), reason }
        .into()
}

/// Writes `agent` to `path` atomically.
///
/// # Errors
/// If the file cannot be written.
pub(super) fn save(agent: &Dcrl, path: &Path) -> deepprl_models::Result<()> {
    let mut file = TensorFile::new();
    let mut put = |prefix: &str, m: &dyn Fn(&mut dyn FnMut(&str, ndarray::ArrayViewD<'_, f32>))| {
        m(&mut |n, p| file.push(&format!("{prefix}.{n}"), p.to_owned()));
    };
    put("actor", &|v| agent.actor.visit_params(v));
    put("actor_target", &|v| agent.actor_target.visit_params(v));
    for (i, (c, t)) in agent.critics.iter().zip(&agent.critic_targets).enumerate() {
        put(&format!("critic{i}"), &|v| c.visit_params(v));
        put(&format!("critic_target{i}"), &|v| t.visit_params(v));
    }
    if let Some(f) = &agent.finetune
        && let (Some(e), Some(t)) = (f.encoder.encoder(), f.target.encoder())
    {
        put("encoder", &|v| e.visit_params(v));
        put("encoder_target", &|v| t.visit_params(v));
    }
    let counters = to_chunks(&[
        u128::from(agent.acted),
        u128::from(agent.updates),
        u128::from(agent.seed),
        agent.rng.get_word_pos(),
    ]);
    file.push("counters", ndarray::Array1::from(counters).into_dyn());
    let v = variant(agent.config.conditioned, agent.config.nest, agent.k);
    file.push("variant", ndarray::Array1::from(v).into_dyn());
    file.push("lambda", ndarray::Array1::from(agent.lambda.clone()).into_dyn());
    for (name, t) in agent.actor_opt.export_state().tensors {
        file.push(&format!("opt_actor.{name}"), t);
    }
    for (i, o) in agent.critic_opts.iter().enumerate() {
        for (name, t) in o.export_state().tensors {
            file.push(&format!("opt_critic{i}.{name}"), t);
        }
    }
    if let Some(f) = &agent.finetune {
        for (name, t) in f.opt.export_state().tensors {
            file.push(&format!("opt_encoder.{name}"), t);
        }
    }
    io::write_atomic(path, &io::encode(&file))?;
    Ok(())
}

/// Restores `agent` from `path`; on error `agent` is unchanged.
///
/// # Errors
/// If the file is missing or corrupt, or holds an agent of another variant or shape.
pub(super) fn load(agent: &mut Dcrl, path: &Path) -> deepprl_models::Result<()> {
    let file: TensorFile<f32> = io::read_tensors(path)?;
    let part = |prefix: &str| TensorFile {
        tensors: file
            .tensors
            .iter()
            .filter_map(|(n, t)| n.strip_prefix(prefix).map(|r| (r.to_string(), t.clone())))
            .collect(),
    };
    let single = |name: &str| -> Option<Vec<f32>> {
        file.tensors.iter().find(|(n, _)| n == name).map(|(_, t)| t.iter().copied().collect())
    };
    let want = variant(agent.config.conditioned, agent.config.nest, agent.k);
    let found = single("variant").unwrap_or_else(|| variant(false, false, agent.k));
    if found != want {
        return Err(bad(
            path,
            "variant",
            format!(
                "the file holds a DCRL agent with {} but this agent has {}",
                describe(&found),
                describe(&want)
            ),
        ));
    }
    let stage_c = file.tensors.iter().any(|(n, _)| n.starts_with("encoder."));
    if stage_c != agent.finetune.is_some() {
        let says = |on: bool| if on { "fine-tunes its encoder" } else { "does not fine-tune" };
        return Err(bad(
            path,
            "encoder",
            format!(
                "the file holds a DCRL agent that {} but this agent {} (finetune_encoder)",
                says(stage_c),
                says(agent.finetune.is_some())
            ),
        ));
    }
    let mut next = agent.clone();
    if let Some(f) = &mut next.finetune {
        let missing = || bad(path, "encoder", "stage C without an SA-Time-LSTM".into());
        io::assign_params(path, &part("encoder."), f.encoder.encoder_mut().ok_or_else(missing)?)?;
        let target = f.target.encoder_mut().ok_or_else(missing)?;
        io::assign_params(path, &part("encoder_target."), target)?;
        f.opt.import_state(&part("opt_encoder."))?;
    }
    io::assign_params(path, &part("actor."), &mut next.actor)?;
    io::assign_params(path, &part("actor_target."), &mut next.actor_target)?;
    for i in 0..next.critics.len() {
        io::assign_params(path, &part(&format!("critic{i}.")), &mut next.critics[i])?;
        io::assign_params(path, &part(&format!("critic_target{i}.")), &mut next.critic_targets[i])?;
        next.critic_opts[i].import_state(&part(&format!("opt_critic{i}.")))?;
    }
    next.actor_opt.import_state(&part("opt_actor."))?;
    let c = from_chunks(&single("counters").unwrap_or_default()).unwrap_or_default();
    if c.len() != 4 {
        return Err(bad(path, "counters", "is missing or malformed".into()));
    }
    if let Some(l) = single("lambda") {
        let ok = l.len() == next.k && l.iter().all(|v| v.is_finite() && *v >= 0.0);
        if !ok {
            return Err(bad(path, "lambda", format!("is {l:?}, not {} weights", next.k)));
        }
        next.lambda = l;
    }
    (next.acted, next.updates, next.seed) = (c[0] as u64, c[1] as u64, c[2] as u64);
    next.rng = seeded(next.seed ^ 0x5EED);
    next.rng.set_word_pos(c[3]);
    *agent = next;
    Ok(())
}
