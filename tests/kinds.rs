//! Every workload kind in the catalogue, walked from its one list: its default parameters
//! run one real task under the threads model (the fault kind fails it, as it is meant to).

mod common;

use parlab::exec::{Session, WorkerCommand};
use parlab::profile::{Model, Profile, RunSpec, Workers};
use parlab::results::RunStatus;
use parlab::workload::WorkloadSpec;

fn one_task(workload: WorkloadSpec) -> RunSpec {
    RunSpec {
        label: Some(workload.kind().to_string()),
        model: Model::Threads,
        workers: Workers::one(1),
        tasks: Some(1),
        duration_s: None,
        warmup_tasks: 0,
        arrival_rate: None,
        arrivals: None,
        max_queue: None,
        stall_timeout_s: None,
        chunk: None,
        workload,
    }
}

#[test]
fn every_kinds_default_runs_one_task_under_threads() {
    let runs: Vec<RunSpec> = WorkloadSpec::KINDS
        .iter()
        .map(|k| one_task(WorkloadSpec::default_of(k).expect("every listed kind has a default")))
        .collect();
    let profile = Profile {
        version: None,
        name: "every kind".into(),
        description: String::new(),
        repetitions: None,
        order: None,
        seed: None,
        runs,
    };
    let session =
        Session::start(profile, WorkerCommand::new(common::parlab_bin())).expect("session starts");
    let results = session.wait();
    assert_eq!(results.runs.len(), WorkloadSpec::KINDS.len());
    for (run, &kind) in results.runs.iter().zip(WorkloadSpec::KINDS) {
        assert_eq!(run.workload.kind(), kind);
        if kind == "fault" {
            // Its default panics at task 0: the run fails and says why.
            assert_eq!(run.status, RunStatus::Failed, "{kind}");
            let error = run.error.as_deref().unwrap_or_default();
            assert!(error.contains("fault injected at task 0"), "{error}");
        } else {
            assert_eq!(run.status, RunStatus::Completed, "{kind}: {:?}", run.error);
            assert_eq!(run.tasks_completed, 1, "{kind}");
        }
    }
}
