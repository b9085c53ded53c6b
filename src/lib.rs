//! parlab's engine: profiles, workloads, execution models, metrics and results.
//!
//! The engine knows nothing of any user interface: every module here but `gui` builds without
//! the `gui` feature, and `.ci/run` checks that (`cargo check --no-default-features --lib`),
//! so an egui import in the engine fails CI. The command line (`src/cli/`) and the desktop app
//! (`gui`, behind the default feature `gui`) drive it through [`exec::Session`].

pub mod analysis;
pub mod cancel;
pub mod chart;
pub mod exec;
pub mod export;
pub mod format;
pub mod fsutil;
#[cfg(feature = "gui")]
pub mod gui;
pub mod metrics;
pub mod model;
pub mod palette;
pub mod process;
pub mod profile;
pub mod results;
pub mod stats;
pub mod stream;
pub mod sys;
pub mod validation;
pub mod workload;
