//! Running an experiment: plan the (dataset, method, seed) runs, train each needed predictor
//! once, run the policies, write every finished run's result and manifest atomically, skip what
//! an earlier (interrupted) invocation finished, and write the report.
//!
//! Output folder:
//! ```text
//! <out>/experiment.toml                       the config with every default filled in
//! <out>/plan.json                             the report's datasets and jobs (merge.rs)
//! <out>/predictors/<dataset>/<predictor>/seed<N>/   stage A (see predictors.rs)
//! <out>/runs/<dataset>/<method>/seed<N>/result.json, manifest.json, policy checkpoints
//! <out>/runs/<dataset>/ladder/seed<N>/result.json    the ladder's reference rows (ladder.rs)
//! <out>/results.csv, results.json, report.md, plots/*.svg
//! ```
//! Runs execute in parallel on a pool of `jobs` threads, which their own data-parallel ops share;
//! every computation is sharded independently of the thread count, so results do not depend on
//! `jobs`.

use crate::config::{DatasetRef, ExperimentConfig};
use crate::data::ExperimentData;
use crate::ladder::{self, LADDER_JOB};
use crate::lock;
use crate::manifest::{self, Manifest};
use crate::merge::{self, ReportPlan};
use crate::method::{Method, PolicyKind, PredictorKind};
use crate::plan::{self, Slot};
use crate::predictors::{self, PredictorSummary};
use crate::preflight;
use crate::settings::{self, Recorded};
use crate::shard::{self, Shard};
use crate::stage_b::{self, RunContext};
use crate::supervised::create_dir;
use crate::{Error, Result};
use deepprl_report::{DatasetInfo, ReportFiles, RunRecord};
use rayon::prelude::*;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

/// One run of an experiment.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct RunId {
    /// Dataset name.
    pub dataset: String,
    /// `predictor+policy`.
    pub method: String,
    /// Seed.
    pub seed: u64,
}

impl std::fmt::Display for RunId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}/seed{}", self.dataset, self.method, self.seed)
    }
}

/// What an experiment reports while it runs (to a progress display, or as JSON lines).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// The plan: runs in total, runs already finished by an earlier invocation, predictors to
    /// train.
    Planned {
        /// Runs in the experiment.
        runs: usize,
        /// Of which already finished.
        done: usize,
        /// Predictors to train (or finish).
        predictors: usize,
    },
    /// A predictor started training.
    PredictorStarted {
        /// Dataset, predictor and seed as `dataset/predictor/seedN`.
        id: String,
    },
    /// A predictor finished an epoch.
    PredictorEpoch {
        /// As above.
        id: String,
        /// Epochs finished.
        epoch: usize,
        /// Validation loss.
        val_loss: f64,
    },
    /// A predictor is trained.
    PredictorFinished {
        /// As above.
        id: String,
        /// Seconds.
        secs: f64,
    },
    /// A run started.
    RunStarted {
        /// The run.
        id: RunId,
    },
    /// A run progressed (fraction of its work done, 0–1).
    RunProgress {
        /// The run.
        id: RunId,
        /// Fraction done.
        fraction: f64,
    },
    /// A run finished and its result is on disk.
    RunFinished {
        /// The run.
        id: RunId,
        /// Seconds.
        secs: f64,
    },
    /// A run failed; the others go on.
    RunFailed {
        /// The run.
        id: RunId,
        /// The error.
        error: String,
    },
    /// Another process holds the lock of a run or ladder job; this process skips it.
    RunSkipped {
        /// The run.
        id: RunId,
        /// The holder's host and PID.
        holder: String,
    },
    /// Another process is training a predictor this process needs; this process waits.
    Waiting {
        /// Dataset, predictor and seed as `dataset/predictor/seedN`.
        id: String,
        /// The holder's host and PID.
        holder: String,
    },
    /// The report is written.
    ReportWritten {
        /// `report.md`.
        path: PathBuf,
    },
}

/// The end of an experiment.
#[derive(Debug)]
pub struct Outcome {
    /// Every finished run (earlier and now).
    pub records: Vec<RunRecord>,
    /// Runs that failed, with their errors.
    pub failures: Vec<(RunId, String)>,
    /// Runs and ladder jobs another process held, with its host and PID; their results are
    /// that process's to write and report.
    pub skipped: Vec<(RunId, String)>,
    /// The report's files.
    pub report: ReportFiles,
}

/// The result file of a run.
pub fn run_dir(out: &Path, id: &RunId) -> PathBuf {
    out.join("runs").join(&id.dataset).join(&id.method).join(format!("seed{}", id.seed))
}

/// How [`run_experiment_with`] treats an existing `--out`, and which part of the grid it runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunOptions {
    /// Move the folders of runs and predictors made with other settings aside (into
    /// `out/replaced/<time>/`) and redo them, instead of refusing (`--force`).
    pub force: bool,
    /// Run only this shard's groups of the grid ([`crate::shard`]); `None` runs all.
    pub shard: Option<Shard>,
}

/// Runs `config` (datasets resolved against `base`) into `out`, refusing when `out` holds
/// work made with other settings ([`run_experiment_with`] with the default options).
///
/// # Errors
/// As [`run_experiment_with`].
pub fn run_experiment(
    config: &ExperimentConfig,
    base: &Path,
    out: &Path,
    on_event: &(dyn Fn(&Event) + Sync),
) -> Result<Outcome> {
    run_experiment_with(config, base, out, RunOptions::default(), on_event)
}

/// Runs `config` (datasets resolved against `base`) into `out`. Nothing is written until the
/// whole experiment is valid (every section, every plugin's config) and every finished or
/// started job in `out` matches its settings ([`crate::settings`]); runs another process holds
/// are skipped ([`Event::RunSkipped`]).
///
/// # Errors
/// For a bad config, a dataset that cannot be loaded, work in `out` made with other settings
/// (unless `options.force`), or an output that cannot be written; failures of single runs are
/// collected in [`Outcome::failures`] instead.
pub fn run_experiment_with(
    config: &ExperimentConfig,
    base: &Path,
    out: &Path,
    options: RunOptions,
    on_event: &(dyn Fn(&Event) + Sync),
) -> Result<Outcome> {
    config.validate()?;
    let refs = config.dataset_refs(base)?;
    let methods: Vec<Vec<Method>> =
        config.datasets.iter().map(|d| config.methods_of(d)).collect::<Result<_>>()?;
    for (r, m) in refs.iter().zip(&methods).flat_map(|(r, ms)| ms.iter().map(move |m| (r, m))) {
        if (m.policy == PolicyKind::Oracle || m.predictor.needs_world())
            && !matches!(r, DatasetRef::World(_))
        {
            return Err(Error::Usage(format!(
                "method `{}` needs the simulator (`world`), not a logged dataset",
                m.name()
            )));
        }
    }
    let full = toml::to_string(config).map_err(|e| Error::encode("experiment.toml", e))?;
    let seeds = config.seeds.list();
    let loaded = Datasets::load(&refs, config, &seeds)?;
    let datasets: Vec<&ExperimentData> = (0..refs.len()).map(|d| loaded.get(d, seeds[0])).collect();
    for (i, d) in datasets.iter().enumerate() {
        if datasets[..i].iter().any(|e| e.name == d.name) {
            return Err(Error::Usage(format!(
                "two datasets are named `{}` (runs and reports are kept by name); give one \
                 another `name` in its config",
                d.name
            )));
        }
    }
    preflight::check(config, &datasets, &methods)?;
    let requests: Vec<Option<RequestCounts>> =
        datasets.iter().map(|d| RequestCounts::of(d, &config.rl)).collect();
    let mut planned = Vec::new();
    for (d, data) in datasets.iter().enumerate() {
        if requests[d].is_some_and(|r| r.too_few) {
            continue;
        }
        for m in &methods[d] {
            for &seed in &seeds {
                let id = RunId { dataset: data.name.clone(), method: m.name(), seed };
                planned.push((d, *m, id));
            }
        }
    }
    let ladders: Vec<(usize, RunId)> = if config.rl.ladder {
        datasets
            .iter()
            .enumerate()
            .filter(|(_, data)| data.world.is_some())
            .flat_map(|(d, data)| {
                seeds.iter().map(move |&seed| {
                    (d, RunId { dataset: data.name.clone(), method: LADDER_JOB.into(), seed })
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    // What this process does about each job: settings first, then locks and conflicts.
    let stamp = manifest::now_utc().replace([' ', ':'], "-");
    let mut conflicts = Vec::new();
    let run_settings: Vec<toml::Table> = planned
        .iter()
        .map(|(d, m, id)| settings::run(config, loaded.get(*d, id.seed), m, id.seed))
        .collect::<Result<_>>()?;
    let ladder_settings: Vec<toml::Table> = ladders
        .iter()
        .map(|(d, id)| {
            let through = ranking_predictors(&methods[*d]);
            settings::ladder(config, loaded.get(*d, id.seed), &through, id.seed)
        })
        .collect::<Result<_>>()?;
    let force = options.force;
    let place = |id: &RunId| (id.to_string(), run_dir(out, id));
    // A shard does the jobs of its (dataset, seed) groups only.
    let owns = |d: usize, seed: u64| {
        options.shard.is_none_or(|s| {
            let at = seeds.iter().position(|&x| x == seed).expect("a planned seed");
            s.owns(shard::group(d, at, seeds.len()))
        })
    };
    let (runs, ladder_jobs) = (
        plan::sort(
            out,
            &planned,
            |p| owns(p.0, p.2.seed),
            |p| place(&p.2),
            &run_settings,
            force,
            &stamp,
            &mut conflicts,
        )?,
        plan::sort(
            out,
            &ladders,
            |l| owns(l.0, l.1.seed),
            |l| place(&l.1),
            &ladder_settings,
            force,
            &stamp,
            &mut conflicts,
        )?,
    );
    let todo = &runs.todo;
    let ladders_todo = &ladder_jobs.todo;
    let skipped: Vec<(RunId, String)> = (runs.skipped.iter().map(|(p, by)| (&p.2, by)))
        .chain(ladder_jobs.skipped.iter().map(|(l, by)| (&l.1, by)))
        .map(|(id, by)| (id.clone(), by.clone()))
        .collect();
    let mut needed: Vec<(usize, PredictorKind, u64)> =
        todo.iter().map(|((d, m, id), _)| (*d, m.predictor, id.seed)).collect();
    // The state of every DCRL cell is the SA-Time-LSTM of the MoH of its dataset and seed.
    needed.extend(
        todo.iter()
            .filter(|((_, m, _), _)| m.policy.reads_state())
            .map(|((d, _, id), _)| (*d, PredictorKind::Moh, id.seed)),
    );
    // The ladder's rows through each predictor's ranking need that predictor.
    for ((d, id), _) in ladders_todo {
        needed.extend(ranking_predictors(&methods[*d]).into_iter().map(|kind| (*d, kind, id.seed)));
    }
    needed.sort();
    needed.dedup();
    let predictor_settings: Vec<toml::Table> = needed
        .iter()
        .map(|(d, kind, seed)| settings::predictor(config, loaded.get(*d, *seed), *kind, *seed))
        .collect::<Result<_>>()?;
    for ((d, kind, seed), s) in needed.iter().zip(&predictor_settings) {
        let name = &loaded.get(*d, *seed).name;
        let dir = predictors::predictor_dir(out, name, *kind, *seed);
        if let Recorded::Differs(keys) = settings::recorded(&dir, s)? {
            if options.force {
                settings::move_aside(out, &dir, &stamp)?;
            } else {
                conflicts.push((format!("predictor {name}/{kind}/seed{seed}"), keys));
            }
        }
    }
    plan::refuse_conflicts(out, &conflicts)?;
    if let Some(shard) = options.shard {
        refuse_another_experiment(out, &full, shard)?;
    }
    // Every job matches the experiment now: the config and the report's plan may be written.
    let infos: Vec<DatasetInfo> =
        datasets.iter().zip(&requests).map(|(d, r)| dataset_info(d, r.as_ref())).collect();
    let relative = |id: &RunId| run_dir(Path::new(""), id);
    let report_plan = ReportPlan {
        datasets: infos,
        runs: planned.iter().map(|p| relative(&p.2)).collect(),
        ladders: ladders.iter().map(|l| relative(&l.1)).collect(),
        highlight: config.highlight.clone(),
    };
    create_dir(out)?;
    deepprl_core::io::write_atomic(&out.join("experiment.toml"), full.as_bytes())?;
    merge::write_plan(out, &report_plan)?;
    on_event(&Event::Planned {
        runs: runs.n_owned() + ladder_jobs.n_owned() - skipped.len(),
        done: runs.n_done() + ladder_jobs.n_done(),
        predictors: needed.len(),
    });
    for (id, holder) in &skipped {
        on_event(&Event::RunSkipped { id: id.clone(), holder: holder.clone() });
    }
    let jobs = if config.jobs == 0 { rayon::current_num_threads() } else { config.jobs };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(|e| Error::ThreadPool { threads: jobs, message: e.to_string() })?;
    let failures = Mutex::new(Vec::new());

    // Stage A: each needed predictor once.
    let summaries: Vec<Result<PredictorSummary>> = pool.install(|| {
        needed
            .par_iter()
            .zip(&predictor_settings)
            .map(|((d, kind, seed), settings)| {
                let data = loaded.get(*d, *seed);
                let pid = format!("{}/{kind}/seed{seed}", data.name);
                let dir = predictors::predictor_dir(out, &data.name, *kind, *seed);
                // Another process training this predictor finishes it first; its work counts.
                let _lock = (*kind != PredictorKind::Truth)
                    .then(|| predictor_lock(out, &dir, &pid, settings, on_event))
                    .transpose()?;
                on_event(&Event::PredictorStarted { id: pid.clone() });
                let t = Instant::now();
                let s = predictors::train_predictor(*kind, config, data, *seed, &dir, &mut |e| {
                    if let deepprl_models::train::TrainEvent::EpochFinished {
                        epoch, record, ..
                    } = e
                    {
                        on_event(&Event::PredictorEpoch {
                            id: pid.clone(),
                            epoch: epoch + 1,
                            val_loss: record.val_loss,
                        });
                    }
                })?;
                on_event(&Event::PredictorFinished { id: pid, secs: t.elapsed().as_secs_f64() });
                Ok(s)
            })
            .collect()
    });
    let summary_of = |d: usize, kind: &PredictorKind, seed: u64| {
        let i = needed.binary_search(&(d, *kind, seed)).expect("planned predictor");
        summaries[i].as_ref()
    };

    // Stage B: the policies.
    let new_records: Vec<Option<RunRecord>> = pool.install(|| {
        todo.par_iter()
            .map(|((d, method, id), settings)| {
                let data = loaded.get(*d, id.seed);
                on_event(&Event::RunStarted { id: id.clone() });
                let t = Instant::now();
                let started = manifest::now_utc();
                let result = summary_of(*d, &method.predictor, id.seed)
                    .map_err(|e| Error::PredictorFailed(e.to_string()))
                    .and_then(|summary| {
                        let dir = run_dir(out, id);
                        settings::write(&dir, settings)?;
                        let ctx = RunContext {
                            config,
                            data,
                            method,
                            seed: id.seed,
                            predictor_dir: predictors::predictor_dir(
                                out,
                                &data.name,
                                method.predictor,
                                id.seed,
                            ),
                            state_dir: predictors::predictor_dir(
                                out,
                                &data.name,
                                PredictorKind::Moh,
                                id.seed,
                            ),
                            run_dir: dir.clone(),
                            summary,
                            progress: &|fraction| {
                                on_event(&Event::RunProgress { id: id.clone(), fraction })
                            },
                            finetune: None,
                        };
                        let mut record = stage_b::run(&ctx)?;
                        record.wall_secs = t.elapsed().as_secs_f64();
                        let job = Job { id, config: &full, settings, data, started, jobs };
                        job.finish(&dir, stage_b::versions(method), record.wall_secs, &record)?;
                        Ok(record)
                    });
                match result {
                    Ok(r) => {
                        on_event(&Event::RunFinished {
                            id: id.clone(),
                            secs: t.elapsed().as_secs_f64(),
                        });
                        Some(r)
                    }
                    Err(e) => {
                        let msg = e.to_string();
                        on_event(&Event::RunFailed { id: id.clone(), error: msg.clone() });
                        failures.lock().expect("no panic").push((id.clone(), msg));
                        None
                    }
                }
            })
            .collect()
    });

    // The oracle ladder's reference rows, once per world seed.
    let ladder_rows: Vec<Vec<RunRecord>> = pool.install(|| {
        ladders_todo
            .par_iter()
            .map(|((d, id), settings)| {
                let data = loaded.get(*d, id.seed);
                on_event(&Event::RunStarted { id: id.clone() });
                let t = Instant::now();
                let started = manifest::now_utc();
                let progress =
                    |fraction| on_event(&Event::RunProgress { id: id.clone(), fraction });
                // Predictors whose training failed have failed runs already; the ladder
                // goes on without their rows.
                let trained = ranking_predictors(&methods[*d])
                    .iter()
                    .filter(|kind| summary_of(*d, kind, id.seed).is_ok())
                    .map(|&kind| {
                        let dir = predictors::predictor_dir(out, &data.name, kind, id.seed);
                        Ok((kind, predictors::load_predictor(kind, config, data, id.seed, &dir)?))
                    })
                    .collect::<Result<Vec<_>>>();
                let result = trained
                    .and_then(|trained| {
                        settings::write(&run_dir(out, id), settings)?;
                        ladder::ladder_records(config, data, id.seed, trained, &progress)
                    })
                    .and_then(|rows| {
                        let dir = run_dir(out, id);
                        let job = Job { id, config: &full, settings, data, started, jobs };
                        let wall_secs = t.elapsed().as_secs_f64();
                        job.finish(&dir, manifest::crate_versions(), wall_secs, &rows)?;
                        Ok(rows)
                    });
                match result {
                    Ok(rows) => {
                        let secs = t.elapsed().as_secs_f64();
                        on_event(&Event::RunFinished { id: id.clone(), secs });
                        rows
                    }
                    Err(e) => {
                        let msg = e.to_string();
                        on_event(&Event::RunFailed { id: id.clone(), error: msg.clone() });
                        failures.lock().expect("no panic").push((id.clone(), msg));
                        Vec::new()
                    }
                }
            })
            .collect()
    });

    let (mut run_slots, mut ladder_slots) = (runs.slots.into_iter(), ladder_jobs.slots.into_iter());
    drop((runs.locks, ladder_jobs.locks));
    // In plan order: what finished before, what this process did, and what another process
    // (or shard) has finished by now (so the last process to finish writes the whole report;
    // `deepprl report` merges again from the files, see merge.rs).
    let (mut new_runs, mut new_ladders) = (new_records.into_iter(), ladder_rows.into_iter());
    let records = merge::records(
        &report_plan,
        |dir| match run_slots.next().expect("a slot per run") {
            Slot::Done(r) => Some(r),
            Slot::Mine => new_runs.next().flatten(),
            Slot::Theirs => plan::read_result(&out.join(dir)),
        },
        |dir| match ladder_slots.next().expect("a slot per ladder job") {
            Slot::Done(rows) => Some(rows),
            Slot::Mine => new_ladders.next(),
            Slot::Theirs => plan::read_result(&out.join(dir)),
        },
    );
    let report = deepprl_report::write_report(
        out,
        &report_plan.datasets,
        &records,
        Some(&report_plan.highlight),
    )?;
    on_event(&Event::ReportWritten { path: out.join("report.md") });
    Ok(Outcome { records, failures: failures.into_inner().expect("no panic"), skipped, report })
}

/// A shard refuses an output folder whose `experiment.toml` is another experiment's: the shards
/// of one experiment write the same bytes.
fn refuse_another_experiment(out: &Path, full: &str, shard: Shard) -> Result<()> {
    let path = out.join("experiment.toml");
    match std::fs::read(&path) {
        Ok(held) if held != full.as_bytes() => Err(Error::Usage(format!(
            "shard {shard}: {} holds another experiment; every shard of an experiment must be \
             given the same experiment file (and --quick/--dataset options), or another --out",
            path.display()
        ))),
        _ => Ok(()),
    }
}

/// Locks the predictor whose folder is `dir` (waiting for another process that trains it)
/// and records its settings there, unless the folder records other settings.
fn predictor_lock(
    out: &Path,
    dir: &Path,
    pid: &str,
    settings: &toml::Table,
    on_event: &(dyn Fn(&Event) + Sync),
) -> Result<lock::JobLock> {
    let held = lock::lock(dir, &|by| {
        on_event(&Event::Waiting { id: pid.to_string(), holder: by.to_string() })
    })?;
    match settings::recorded(dir, settings)? {
        Recorded::Nothing => settings::write(dir, settings)?,
        Recorded::Same => {}
        Recorded::Differs(keys) => {
            let conflict = [(format!("predictor {pid}"), keys)];
            return Err(Error::Usage(settings::conflict_message(out, &conflict)));
        }
    }
    Ok(held)
}

/// An experiment's datasets per seed: a logged dataset once, the world once per seed.
struct Datasets {
    /// Per dataset: one entry for every seed, or one per seed in `seeds` order.
    data: Vec<Vec<ExperimentData>>,
    seeds: Vec<u64>,
}

impl Datasets {
    fn load(refs: &[DatasetRef], config: &ExperimentConfig, seeds: &[u64]) -> Result<Self> {
        let data = refs
            .iter()
            .map(|r| match r {
                DatasetRef::World(_) => seeds
                    .iter()
                    .map(|&s| ExperimentData::load(r, &config.world, s))
                    .collect::<Result<Vec<_>>>(),
                DatasetRef::Config(_) => Ok(vec![ExperimentData::load(r, &config.world, 0)?]),
            })
            .collect::<Result<_>>()?;
        Ok(Self { data, seeds: seeds.to_vec() })
    }

    /// Dataset `d` as the runs of `seed` see it.
    fn get(&self, d: usize, seed: u64) -> &ExperimentData {
        let all = &self.data[d];
        if all.len() == 1 {
            return &all[0];
        }
        &all[self.seeds.iter().position(|&s| s == seed).expect("a planned seed")]
    }
}

/// A run or ladder job of the experiment, for the files it writes when it finishes.
struct Job<'a> {
    id: &'a RunId,
    /// The whole experiment config, as TOML.
    config: &'a str,
    /// The settings that determine the job ([`crate::settings`]).
    settings: &'a toml::Table,
    data: &'a ExperimentData,
    /// When the job started (UTC).
    started: String,
    /// Jobs in parallel in the process.
    jobs: usize,
}

impl Job<'_> {
    /// Writes the job's manifest, then its result into `dir`, each atomically: the result
    /// last, since its presence marks the job as done.
    fn finish<T: Serialize>(
        self,
        dir: &Path,
        versions: std::collections::BTreeMap<String, String>,
        wall_secs: f64,
        result: &T,
    ) -> Result<()> {
        let m = Manifest {
            dataset: self.id.dataset.clone(),
            method: self.id.method.clone(),
            seed: self.id.seed,
            config: self.config.to_string(),
            settings_sha256: settings::encode(self.settings)?.1,
            git_revision: manifest::git_revision(),
            data_sha256: self.data.sha256.clone(),
            versions,
            started: self.started,
            wall_secs,
            peak_rss_mb: manifest::peak_rss_mb(),
            jobs: self.jobs,
        };
        manifest::write_json(&dir.join("manifest.json"), &m)?;
        manifest::write_json(&dir.join("result.json"), result)
    }
}

/// The trained predictors among `methods`' (each once, in order): the ladder's rows through
/// a predictor's ranking are made for these.
fn ranking_predictors(methods: &[Method]) -> Vec<PredictorKind> {
    let mut kinds: Vec<PredictorKind> =
        methods.iter().map(|m| m.predictor).filter(|p| !p.needs_world()).collect();
    kinds.sort();
    kinds.dedup();
    kinds
}

/// How many of a logged dataset's test requests logged re-ranking runs over.
#[derive(Debug, Clone, Copy, PartialEq)]
struct RequestCounts {
    /// Requests with at least `[rl] min_candidates` candidates.
    qualifying: usize,
    /// All requests.
    all: usize,
    /// `[rl] min_candidates`.
    min_candidates: usize,
    /// Whether fewer than `[rl] min_requests` qualify: then no run is made on the dataset.
    too_few: bool,
}

impl RequestCounts {
    /// The counts of a logged dataset with requests; `None` for the simulator and tabular data.
    fn of(data: &ExperimentData, rl: &crate::config::RlSettings) -> Option<Self> {
        if data.world.is_some() || data.ds.meta.kind == deepprl_data::meta::DatasetKind::Tabular {
            return None;
        }
        let all = deepprl_data::requests(&data.ds, deepprl_data::Slice::Test).len();
        let qualifying = crate::scoring::qualifying_requests(
            &data.ds,
            deepprl_data::Slice::Test,
            rl.min_candidates,
        )
        .len();
        let min_candidates = rl.min_candidates;
        Some(Self { qualifying, all, min_candidates, too_few: qualifying < rl.min_requests })
    }

    /// The sentence of the report's dataset note.
    fn sentence(&self) -> String {
        let counted = format!(
            "{} of the {} test requests have at least {} candidates (`[rl] min_candidates`)",
            self.qualifying, self.all, self.min_candidates
        );
        if self.too_few {
            format!(
                "{counted}: too few to tell weightings apart (`[rl] min_requests`), so no run \
                 was made on this dataset"
            )
        } else {
            format!("{counted}; policies are trained, selected and evaluated on those only")
        }
    }
}

fn dataset_info(data: &ExperimentData, requests: Option<&RequestCounts>) -> DatasetInfo {
    let simulator = data.world.is_some();
    DatasetInfo {
        name: data.name.clone(),
        objectives: data.objectives(),
        reference_point: data.ds.meta.reference_point.clone(),
        simulator,
        note: Some(if simulator {
            "simulator: episodes of the testbed world (a user's sessions over several days); \
             the candidates are ranked by the method's predictor with the policy's weights, \
             outcomes and dynamics are the world's ground truth"
                .into()
        } else {
            let mut note = "logged re-ranking: each logged request's impressions are re-ranked \
                            and the realised outcomes of the top N scored; transitions follow \
                            the log, so this measures short-term effects honestly and \
                            long-term effects only weakly"
                .to_string();
            if let Some(r) = requests {
                note.push_str(&format!(". {}", r.sentence()));
            }
            note
        }),
        point_metric: if simulator {
            "discounted return per episode (sum over the episode's slates of gamma_eval^t times \
             the slate's mean expected outcome, divided by the population standard deviation: \
             the agents' and the ladder's units)"
                .into()
        } else {
            "mean realised outcome in the re-ranked top N (stored units)".into()
        },
    }
}
