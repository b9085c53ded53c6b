//! What `sizes = "increasing"` of a `cpu` workload asks of its run: task sizes that rise over
//! the run's tasks need a known count of them, in a closed loop (see
//! [`Sizes::Increasing`](crate::workload::Sizes::Increasing)).

use super::RunSpec;
use crate::validation::{FieldPath, ValidationError};
use crate::workload::{Sizes, WorkloadSpec};

/// The problems of `run`'s task sizes with its stop and load, at `at` (the run's path).
pub fn validate(run: &RunSpec, at: &FieldPath) -> Vec<ValidationError> {
    let WorkloadSpec::Cpu(cpu) = &run.workload else {
        return Vec::new();
    };
    if cpu.sizes != Sizes::Increasing {
        return Vec::new();
    }
    let problem = if run.tasks.is_none() && run.duration_s.is_some() {
        "sizes = \"increasing\" rises over a known number of tasks: set tasks instead of \
         duration_s"
    } else if run.arrival_rate.is_some() {
        "sizes = \"increasing\" makes each task longer than the one before, so under \
         arrival_rate the load would rise through the run instead of holding at the rate: \
         remove arrival_rate or choose other sizes"
    } else {
        return Vec::new();
    };
    vec![ValidationError::new(
        at.key("workload").key("sizes"),
        problem,
    )]
}

#[cfg(test)]
mod tests {
    use crate::profile::{Profile, Stop};
    use crate::workload::WorkloadSpec;

    fn profile(stop: &str, sizes: &str) -> Profile {
        let text = format!(
            "name = \"p\"\n[[run]]\nmodel = \"processes\"\nworkers = [2, 4]\n{stop}\n\
             [run.workload]\nkind = \"cpu\"\niterations = 1000\nsizes = \"{sizes}\"\n"
        );
        toml::from_str(&text).expect("a profile")
    }

    fn messages(p: &Profile) -> Vec<String> {
        p.validate()
            .iter()
            .map(|e| format!("{}: {}", e.path, e.message))
            .collect()
    }

    #[test]
    fn increasing_sizes_need_a_task_count_in_a_closed_loop() {
        assert_eq!(messages(&profile("tasks = 100", "increasing")), [""; 0]);
        let timed = messages(&profile("duration_s = 1.0", "increasing"));
        assert_eq!(timed.len(), 1, "{timed:?}");
        assert!(
            timed[0].starts_with("run[0].workload.sizes: ")
                && timed[0].contains("set tasks instead of duration_s"),
            "{timed:?}"
        );
        let open = messages(&profile("tasks = 100\narrival_rate = 50", "increasing"));
        assert!(
            open.len() == 1 && open[0].contains("remove arrival_rate"),
            "{open:?}"
        );
        // Other sizes run timed or open.
        assert_eq!(messages(&profile("duration_s = 1.0", "pareto")), [""; 0]);
        assert_eq!(
            messages(&profile("tasks = 100\narrival_rate = 50", "pareto")),
            [""; 0]
        );
    }

    #[test]
    fn the_plan_gives_increasing_sizes_the_run_s_task_count_and_no_other() {
        for (sizes, expected) in [("increasing", Some(100)), ("pareto", None)] {
            for run in profile("tasks = 100", sizes).plan() {
                assert_eq!(run.stop, Stop::Tasks(100));
                let WorkloadSpec::Cpu(cpu) = &run.workload else {
                    panic!("a cpu workload");
                };
                assert_eq!(cpu.run_tasks, expected, "{sizes}");
            }
        }
    }
}
