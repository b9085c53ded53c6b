//! Figures only some kinds measure, merged across worker processes.

use serde::{Deserialize, Serialize};

/// Extra figures of a run (`workload_stats` in results).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WorkloadStats {
    /// `contention`: increments of a shared counter that were lost (expected minus actual).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lost_updates: Option<u64>,
    /// Bytes read or written by the tasks (`memory`, `file-io`, `transfer`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes_moved: Option<u64>,
}

impl WorkloadStats {
    /// Adds `other` (another worker process's figures) to these.
    pub fn merge(&mut self, other: &WorkloadStats) {
        fn add(a: &mut Option<u64>, b: Option<u64>) {
            if let Some(b) = b {
                *a = Some(a.unwrap_or(0) + b);
            }
        }
        add(&mut self.lost_updates, other.lost_updates);
        add(&mut self.bytes_moved, other.bytes_moved);
    }

    /// True when no figure is set.
    pub fn is_empty(&self) -> bool {
        self.lost_updates.is_none() && self.bytes_moved.is_none()
    }
}
