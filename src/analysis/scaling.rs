//! Speedup and efficiency across the worker counts of a sweep.

use crate::profile::Model;
use crate::results::{RunResult, RunStatus};

/// One worker count of a scaling series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScalingPoint {
    /// Worker count.
    pub workers: usize,
    /// Tasks per second.
    pub throughput: f64,
    /// Throughput relative to the smallest worker count, scaled to that count (1 worker = 1×).
    pub speedup: f64,
    /// `speedup / workers`: 1.0 is perfect scaling.
    pub efficiency: f64,
}

/// The runs of one model and workload at different worker counts.
#[derive(Debug, Clone, PartialEq)]
pub struct ScalingSeries {
    /// A name for legends, e.g. `threads · cpu`.
    pub name: String,
    /// The execution model.
    pub model: Model,
    /// Points in increasing worker order.
    pub points: Vec<ScalingPoint>,
}

/// Groups completed runs by model and workload and returns every group with at least two
/// worker counts. When a worker count appears more than once, the last run counts.
pub fn scaling<'a>(runs: impl IntoIterator<Item = &'a RunResult>) -> Vec<ScalingSeries> {
    // (model, workload as JSON, legend name, (workers, throughput) points)
    type Group = (Model, String, String, Vec<(usize, f64)>);
    let mut groups: Vec<Group> = Vec::new();
    for run in runs {
        if run.status != RunStatus::Completed || run.throughput_per_sec <= 0.0 {
            continue;
        }
        let key = serde_json::to_string(&run.workload).unwrap_or_default();
        let index = match groups.iter().position(|g| g.0 == run.model && g.1 == key) {
            Some(i) => i,
            None => {
                let name = format!("{} · {}", run.model, run.workload.kind());
                groups.push((run.model, key, name, Vec::new()));
                groups.len() - 1
            }
        };
        let points = &mut groups[index].3;
        points.retain(|(w, _)| *w != run.workers);
        points.push((run.workers, run.throughput_per_sec));
    }
    groups
        .into_iter()
        .filter(|g| g.3.len() >= 2)
        .map(|(model, _, name, mut points)| {
            points.sort_by_key(|p| p.0);
            let (base_workers, base) = points[0];
            ScalingSeries {
                name,
                model,
                points: points
                    .into_iter()
                    .map(|(workers, throughput)| {
                        let speedup = throughput / base * base_workers as f64;
                        ScalingPoint {
                            workers,
                            throughput,
                            speedup,
                            efficiency: speedup / workers as f64,
                        }
                    })
                    .collect(),
            }
        })
        .collect()
}
