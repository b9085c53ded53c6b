//! Derived figures: scaling (speedup, efficiency) across a sweep, and downsampling long
//! series for drawing. Used by the app and by image export alike. `compare` judges two results
//! files against each other (`parlab compare`).

mod downsample;
mod scaling;

pub mod compare;

pub use downsample::downsample;
pub use scaling::{ScalingPoint, ScalingSeries, scaling};
