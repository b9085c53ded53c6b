//! The processes parlab starts, as a leaf of the engine: the register of live children (so
//! nothing a run started outlives it), the guardian that outlives a `kill -9` of parlab, the
//! reader that drains a child's stderr, and how to start a worker process. Workloads,
//! metrics and the execution models all use it; it uses only [`crate::sys`] and
//! [`crate::format`] (to show a worker's command line).

pub mod children;
pub mod drain;
pub mod guardian;
pub mod worker_command;

pub use worker_command::WorkerCommand;
