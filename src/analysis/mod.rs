//! Derived figures for drawing and comparing: downsampling long series, and `compare`, which
//! judges two results files against each other (`parlab compare`). Scaling across a sweep and
//! the scaling laws fitted to it live with the results (`crate::results::scaling`,
//! `crate::results::fits`), which carry them; they are re-exported here for the charts.

mod downsample;

pub mod compare;

pub use crate::results::fits as fit;
pub use crate::results::scaling::{ScalingPoint, ScalingSeries, Sweep, scaling, sweeps};
pub use downsample::downsample;
