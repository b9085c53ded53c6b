//! Every execution model, walked from the one registration list: each has a name, a help
//! text and a worker limit, and runs a small profile to completion with the right count,
//! with and without warm-up.

mod common;

use parlab::exec::{Session, WorkerCommand};
use parlab::profile::{Model, parse_str};
use parlab::results::RunStatus;

#[test]
fn every_model_is_described_and_runs_a_tiny_profile() {
    assert_eq!(Model::ALL.len(), 5);
    for model in Model::ALL {
        assert!(!model.name().is_empty());
        assert!(model.help().len() > 20, "{model}: help text");
        let max = if model.uses_processes() { 256 } else { 1024 };
        assert_eq!(model.max_workers(), max, "{model}");
        for warmup in ["", "warmup_tasks = 3\n"] {
            let text = common::profile(&[common::run_table(
                model.name(),
                "2",
                &format!("tasks = 20\n{warmup}"),
                "kind = \"sleep\"\nms = 1",
            )]);
            let profile = parse_str(&text, "models.toml").expect("valid profile");
            let session = Session::start(profile, WorkerCommand::new(common::parlab_bin()))
                .expect("session starts");
            let results = session.wait();
            let run = &results.runs[0];
            assert_eq!(run.model, model);
            assert_eq!(run.status, RunStatus::Completed, "{model}: {:?}", run.error);
            assert_eq!(run.tasks_completed, 20, "{model} {warmup}");
            assert_eq!(run.tasks_failed, 0, "{model}");
            assert_eq!(run.warmup_tasks, if warmup.is_empty() { 0 } else { 3 });
        }
    }
}

#[test]
fn a_failing_task_is_counted_once_in_every_model() {
    for model in Model::ALL {
        let text = common::profile(&[common::run_table(
            model.name(),
            "2",
            "tasks = 20",
            "kind = \"fault\"\naction = \"error\"\nat_task = 5",
        )]);
        let profile = parse_str(&text, "models.toml").expect("valid profile");
        let session = Session::start(profile, WorkerCommand::new(common::parlab_bin()))
            .expect("session starts");
        let run = &session.wait().runs[0];
        assert_eq!(run.status, RunStatus::Failed, "{model}");
        assert_eq!(run.tasks_failed, 1, "{model}: {:?}", run.error);
        let error = run.error.as_deref().unwrap_or_default();
        assert!(error.contains("task 5"), "{model}: {error}");
    }
}
