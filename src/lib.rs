//! parlab's engine: profiles, workloads, execution models, metrics and results.
//!
//! It knows nothing of any user interface. The command line (`src/main.rs`) and the
//! desktop app drive it through [`exec::Session`].

pub mod analysis;
pub mod cancel;
pub mod exec;
pub mod export;
pub mod format;
pub mod fsutil;
pub mod gui;
pub mod metrics;
pub mod palette;
pub mod profile;
pub mod results;
pub mod sys;
pub mod validation;
pub mod workload;
