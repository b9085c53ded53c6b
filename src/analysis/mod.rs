//! Derived figures: scaling (speedup, efficiency) across a sweep, and downsampling long
//! series for drawing. Used by the app and by image export alike.

mod downsample;
mod scaling;

pub use downsample::downsample;
pub use scaling::{ScalingPoint, ScalingSeries, scaling};
