//! The processes parlab starts, as a leaf of the engine: the register of live children (so
//! nothing a run started outlives it), the guardian that outlives a `kill -9` of parlab, the
//! readers that drain a child's stderr (on a thread, or alongside its stdout), and how to start a worker process. Workloads,
//! metrics and the execution models all use it; it uses only [`crate::sys`] and
//! [`crate::format`] (to show a worker's command line).

pub mod alongside;
pub mod children;
pub mod drain;
pub mod guardian;
pub mod worker_command;

pub use worker_command::WorkerCommand;
