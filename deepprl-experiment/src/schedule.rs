//! Running an experiment: plan the (dataset, method, seed) runs, train each needed predictor
//! once, run the policies, write every finished run's result and manifest atomically, skip what
//! an earlier (interrupted) invocation finished, and write the report.
//!
//! Output folder:
//! ```text
//! <out>/experiment.toml                       the config with every default filled in
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
use crate::manifest::{self, Manifest};
use crate::matched;
use crate::method::{Method, PolicyKind, PredictorKind};
use crate::predictors::{self, PredictorSummary};
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
    /// The report's files.
    pub report: ReportFiles,
}

/// The result file of a run.
pub fn run_dir(out: &Path, id: &RunId) -> PathBuf {
    out.join("runs").join(&id.dataset).join(&id.method).join(format!("seed{}", id.seed))
}

/// A finished run's `result.json` (a record, or the ladder's list of records).
fn read_json<T: serde::de::DeserializeOwned>(dir: &Path) -> Option<T> {
    serde_json::from_slice(&std::fs::read(dir.join("result.json")).ok()?).ok()
}

/// Runs `config` (datasets resolved against `base`) into `out`.
///
/// # Errors
/// For a bad config, a dataset that cannot be loaded, or an output that cannot be written;
/// failures of single runs are collected in [`Outcome::failures`] instead.
pub fn run_experiment(
    config: &ExperimentConfig,
    base: &Path,
    out: &Path,
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
    create_dir(out)?;
    let full = toml::to_string(config).map_err(|e| Error::encode("experiment.toml", e))?;
    deepprl_core::io::write_atomic(&out.join("experiment.toml"), full.as_bytes())?;
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
    let ladders_done: Vec<Option<Vec<RunRecord>>> =
        ladders.iter().map(|(_, id)| read_json(&run_dir(out, id))).collect();
    let finished: Vec<Option<RunRecord>> =
        planned.iter().map(|(_, _, id)| read_json(&run_dir(out, id))).collect();
    let todo: Vec<&(usize, Method, RunId)> =
        planned.iter().zip(&finished).filter(|(_, f)| f.is_none()).map(|(p, _)| p).collect();
    let mut needed: Vec<(usize, PredictorKind, u64)> =
        todo.iter().map(|(d, m, id)| (*d, m.predictor, id.seed)).collect();
    // The state of every DCRL cell is the SA-Time-LSTM of the MoH of its dataset and seed.
    needed.extend(
        todo.iter()
            .filter(|(_, m, _)| m.policy.reads_state())
            .map(|(d, _, id)| (*d, PredictorKind::Moh, id.seed)),
    );
    // The ladder's rows through each predictor's ranking need that predictor.
    for ((d, id), _) in ladders.iter().zip(&ladders_done).filter(|(_, done)| done.is_none()) {
        needed.extend(ranking_predictors(&methods[*d]).into_iter().map(|kind| (*d, kind, id.seed)));
    }
    needed.sort();
    needed.dedup();
    let ladders_todo = ladders_done.iter().filter(|l| l.is_none()).count();
    on_event(&Event::Planned {
        runs: planned.len() + ladders.len(),
        done: planned.len() - todo.len() + ladders.len() - ladders_todo,
        predictors: needed.len(),
    });
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
            .map(|(d, kind, seed)| {
                let data = loaded.get(*d, *seed);
                let pid = format!("{}/{kind}/seed{seed}", data.name);
                on_event(&Event::PredictorStarted { id: pid.clone() });
                let t = Instant::now();
                let dir = predictors::predictor_dir(out, &data.name, *kind, *seed);
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
            .map(|(d, method, id)| {
                let data = loaded.get(*d, id.seed);
                on_event(&Event::RunStarted { id: id.clone() });
                let t = Instant::now();
                let started = manifest::now_utc();
                let result = summary_of(*d, &method.predictor, id.seed)
                    .map_err(|e| Error::PredictorFailed(e.to_string()))
                    .and_then(|summary| {
                        let dir = run_dir(out, id);
                        create_dir(&dir)?;
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
                        let job = Job { id, config: &full, data, started, jobs };
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
        ladders
            .par_iter()
            .zip(ladders_done)
            .map(|((d, id), done)| {
                if let Some(rows) = done {
                    return rows;
                }
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
                        ladder::ladder_records(config, data, id.seed, trained, &progress)
                    })
                    .and_then(|rows| {
                        let dir = run_dir(out, id);
                        create_dir(&dir)?;
                        let job = Job { id, config: &full, data, started, jobs };
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

    let mut new_iter = new_records.into_iter();
    let records: Vec<RunRecord> = finished
        .into_iter()
        .filter_map(|f| match f {
            Some(r) => Some(r),
            None => new_iter.next().flatten(),
        })
        .chain(ladder_rows.into_iter().flatten())
        .collect();
    let matched = matched::matched_records(&records, &config.highlight);
    let records = [records, matched].concat();
    let infos: Vec<DatasetInfo> =
        datasets.iter().zip(&requests).map(|(d, r)| dataset_info(d, r.as_ref())).collect();
    let report = deepprl_report::write_report(out, &infos, &records, Some(&config.highlight))?;
    on_event(&Event::ReportWritten { path: out.join("report.md") });
    Ok(Outcome { records, failures: failures.into_inner().expect("no panic"), report })
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
