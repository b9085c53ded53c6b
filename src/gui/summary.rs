//! The summary table: one row per run with its key figures; failed runs show their error.

use super::charts::empty;
use crate::format::{mib, si};
use crate::results::RunStatus;
use eframe::egui::{self, RichText, Ui};

/// One row of the table.
pub struct Row<'a> {
    /// Colour swatch of the run.
    pub color: egui::Color32,
    /// The run.
    pub result: &'a crate::results::RunResult,
}

const HEADER: [&str; 11] = [
    "run",
    "status",
    "tasks",
    "tasks/s",
    "p50 µs",
    "p99 µs",
    "overhead µs",
    "CPU s",
    "ctx sw. vol/invol",
    "peak MiB",
    "wall s",
];

/// Draws the table.
pub fn summary(ui: &mut Ui, rows: &[Row]) {
    if rows.is_empty() {
        return empty(ui, "Finished runs are summarised here.");
    }
    // Workload figures get columns only when some run has them.
    let has = |f: fn(&crate::workload::WorkloadStats) -> bool| {
        rows.iter()
            .any(|r| r.result.workload_stats.as_ref().is_some_and(f))
    };
    let lost = has(|s| s.lost_updates.is_some());
    let moved = has(|s| s.bytes_moved.is_some());
    egui::ScrollArea::both()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            egui::Grid::new("summary")
                .striped(true)
                .spacing([16.0, 6.0])
                .show(ui, |ui| {
                    for h in HEADER {
                        ui.label(RichText::new(h).strong());
                    }
                    if lost {
                        ui.label(RichText::new("lost updates").strong());
                    }
                    if moved {
                        ui.label(RichText::new("MiB moved").strong());
                    }
                    ui.end_row();
                    for row in rows {
                        let r = row.result;
                        ui.horizontal(|ui| {
                            crate::gui::palette::swatch(ui, row.color);
                            ui.label(&r.label);
                        });
                        let status = RichText::new(r.status.to_string());
                        ui.label(match r.status {
                            RunStatus::Failed | RunStatus::Stalled => {
                                status.color(ui.visuals().error_fg_color)
                            }
                            RunStatus::Stopped => status.color(ui.visuals().warn_fg_color),
                            _ => status,
                        });
                        ui.label(r.tasks_completed.to_string());
                        ui.label(si(r.throughput_per_sec));
                        ui.label(si(r.latency_us.p50));
                        ui.label(si(r.latency_us.p99));
                        ui.label(r.overhead_per_task_us.map_or("–".into(), si));
                        ui.label(format!("{:.2}", r.process.user_s + r.process.sys_s));
                        ui.label(format!(
                            "{} / {}",
                            r.process.voluntary_ctx, r.process.involuntary_ctx
                        ));
                        ui.label(mib(r.process.peak_rss_bytes));
                        ui.label(format!("{:.2}", r.wall_seconds));
                        let stats = r.workload_stats.clone().unwrap_or_default();
                        if lost {
                            ui.label(stats.lost_updates.map_or("–".into(), |n| n.to_string()));
                        }
                        if moved {
                            ui.label(stats.bytes_moved.map_or("–".into(), mib));
                        }
                        ui.end_row();
                    }
                });
            for row in rows {
                if let Some(error) = &row.result.error {
                    ui.add_space(6.0);
                    ui.horizontal_wrapped(|ui| {
                        crate::gui::palette::swatch(ui, row.color);
                        ui.label(
                            RichText::new(format!("{} failed: {error}", row.result.label))
                                .color(ui.visuals().error_fg_color),
                        );
                    });
                }
            }
        });
}
