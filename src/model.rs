//! The execution models, as vocabulary: one registration list ([`for_each_model!`]) from which
//! the [`Model`] enum, [`Model::ALL`], the names, help texts, worker limits and the engine's
//! dispatch (in `exec::models`) are all generated, so the compiler checks that every model
//! has each of them.
//!
//! This file names nothing else of the crate, so every layer (profiles, workloads, the
//! engine, the app) may use it. A model's behaviour lives in its own file in `src/exec/`,
//! named by the second field of its row.
//!
//! Adding a model: one row below, plus its file `src/exec/<module>.rs` implementing
//! `exec::ExecutionModel` (and its `mod` line in `src/exec/models.rs`).

/// Worker counts above this start more threads than any machine parlab targets has cores
/// for many times over.
pub const MAX_THREAD_WORKERS: u64 = 1024;

/// Each process worker is a child process with its own memory: keep sweeps to a few hundred.
pub const MAX_PROCESS_WORKERS: u64 = 256;

/// Where a model runs its tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host {
    /// In parlab's own threads.
    Threads,
    /// In `parlab worker` child processes.
    Processes,
}

impl Host {
    /// The largest worker count a model of this host accepts.
    pub const fn max_workers(self) -> u64 {
        match self {
            Host::Threads => MAX_THREAD_WORKERS,
            Host::Processes => MAX_PROCESS_WORKERS,
        }
    }
}

/// The registration list of execution models, in the order menus show them. Each row is
/// `Variant (module) "name", Host, "help text"` with the variant's doc comment before it;
/// `$callback!` receives the whole list. The name is also the serialized name in profiles and
/// results (kebab-case of the variant, checked by a test), so it must never change.
macro_rules! for_each_model {
    ($callback:ident) => {
        $callback! {
            /// N long-lived OS threads pulling from a shared queue.
            Threads (threads) "threads", Threads,
            "N long-lived OS threads pulling tasks from a shared queue: shared memory, cheap dispatch.";
            /// A rayon work-stealing pool of N threads.
            Pool (pool) "pool", Threads,
            "A rayon work-stealing pool of N threads: idle threads steal queued work.";
            /// N long-lived child processes fed over pipes.
            Processes (processes) "processes", Processes,
            "N long-lived child processes fed tasks over pipes: isolation, at the price of IPC.";
            /// A new thread per task, at most N alive.
            ThreadPerTask (thread_per_task) "thread-per-task", Threads,
            "A new OS thread for every task, at most N alive: shows thread creation cost.";
            /// A new child process per task, at most N alive.
            ProcessPerTask (process_per_task) "process-per-task", Processes,
            "A new child process for every task, at most N alive: shows process creation cost.";
        }
    };
}
pub(crate) use for_each_model;

macro_rules! define_models {
    ($( $(#[$doc:meta])* $variant:ident ($module:ident) $name:literal, $host:ident, $help:literal; )*) => {
        /// An execution model: how a run's tasks are spread over workers.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum Model {
            $( $(#[$doc])* $variant, )*
        }

        impl Model {
            /// Every model, in the order menus show them.
            pub const ALL: [Model; [$(Model::$variant),*].len()] = [$(Model::$variant),*];

            /// The name used in profiles and results.
            pub const fn name(self) -> &'static str {
                match self { $( Model::$variant => $name, )* }
            }

            /// A one-line explanation, for tooltips and help.
            pub const fn help(self) -> &'static str {
                match self { $( Model::$variant => $help, )* }
            }

            /// Where the model runs its tasks.
            pub const fn host(self) -> Host {
                match self { $( Model::$variant => Host::$host, )* }
            }
        }
    };
}
for_each_model!(define_models);

impl Model {
    /// True for the models that run tasks in child processes.
    pub const fn uses_processes(self) -> bool {
        matches!(self.host(), Host::Processes)
    }

    /// The largest worker count this model accepts.
    pub const fn max_workers(self) -> u64 {
        self.host().max_workers()
    }

    /// Why the model's limit is what it is, appended to a range message (empty for threads).
    pub const fn limit_reason(self) -> &'static str {
        match self.host() {
            Host::Processes => " (process models start one child process per worker)",
            Host::Threads => "",
        }
    }
}

impl std::fmt::Display for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_model_has_a_name_help_and_limits_and_serializes_as_its_name() {
        for model in Model::ALL {
            assert!(!model.name().is_empty());
            assert!(model.help().len() > 20, "{model}: help too short");
            assert!(model.max_workers() >= 1);
            // The serialized name is the name (profiles and results rely on it).
            let json = serde_json::to_string(&model).expect("serializes");
            assert_eq!(json, format!("\"{}\"", model.name()));
            let back: Model = serde_json::from_str(&json).expect("reads back");
            assert_eq!(back, model);
        }
        let names: Vec<&str> = Model::ALL.iter().map(|m| m.name()).collect();
        assert_eq!(
            names,
            [
                "threads",
                "pool",
                "processes",
                "thread-per-task",
                "process-per-task"
            ]
        );
        assert_eq!(Model::Processes.max_workers(), 256);
        assert_eq!(Model::Pool.max_workers(), 1024);
    }
}
