//! Latency: p50 and p99 over time, and the distribution by percentile.

use super::{MAX_POINTS, Series, empty, hover_label};
use crate::analysis::downsample;
use eframe::egui::{self, Ui};
use egui_plot::{GridMark, Legend, Line, Plot};

/// Draws p50/p99 over time on the left and the percentile distribution on the right.
pub fn latency(ui: &mut Ui, series: &[Series]) {
    if series.is_empty() {
        return empty(ui, "Start a run (F5) to see task latencies here.");
    }
    let width = (ui.available_width() - ui.spacing().item_spacing.x) / 2.0;
    let height = ui.available_height();
    ui.horizontal(|ui| {
        ui.allocate_ui(egui::vec2(width, height), |ui| over_time(ui, series));
        ui.allocate_ui(egui::vec2(width, height), |ui| distribution(ui, series));
    });
}

fn over_time(ui: &mut Ui, series: &[Series]) {
    Plot::new("latency-over-time")
        .legend(Legend::default())
        .x_axis_label("time since start (s)")
        .y_axis_label("latency (µs): p50 thick, p99 thin")
        .include_y(0.0)
        .label_formatter(hover_label("s", "µs"))
        .show(ui, |plot| {
            for s in series {
                let p50: Vec<[f64; 2]> = s
                    .result
                    .timeline
                    .iter()
                    .filter_map(|p| p.p50_us.map(|v| [p.t, v]))
                    .collect();
                let p99: Vec<[f64; 2]> = s
                    .result
                    .timeline
                    .iter()
                    .filter_map(|p| p.p99_us.map(|v| [p.t, v]))
                    .collect();
                plot.line(
                    Line::new(format!("{} p50", s.name), downsample(&p50, MAX_POINTS))
                        .color(s.color)
                        .width(2.0),
                );
                // Solid and thin rather than dashed: dashes cost thousands of shapes per frame.
                plot.line(
                    Line::new(format!("{} p99", s.name), downsample(&p99, MAX_POINTS))
                        .color(s.color.gamma_multiply(0.7))
                        .width(1.0),
                );
            }
        });
}

/// Percentiles spread as "nines": 0 → 0, 90 % → 1, 99 % → 2, 99.9 % → 3.
fn nines(percentile: f64) -> f64 {
    -(1.0 - percentile / 100.0).log10()
}

fn nines_label(x: f64) -> String {
    let p = 100.0 * (1.0 - 10f64.powf(-x));
    if p < 99.0 {
        format!("{p:.0}%")
    } else {
        format!("{p:.2}%")
    }
}

fn distribution(ui: &mut Ui, series: &[Series]) {
    Plot::new("latency-distribution")
        .legend(Legend::default())
        .x_axis_label("percentile")
        .y_axis_label("latency (µs)")
        .include_y(0.0)
        .x_axis_formatter(|mark: GridMark, _| nines_label(mark.value))
        .x_grid_spacer(|_| {
            (0..=4)
                .map(|n| GridMark {
                    value: n as f64,
                    step_size: 1.0,
                })
                .collect()
        })
        .label_formatter(|hover| match hover {
            egui_plot::HoverPosition::NearDataPoint {
                plot_name,
                position,
                ..
            } => Some(format!(
                "{plot_name}\np{}: {:.2} µs",
                nines_label(position.x).trim_end_matches('%'),
                position.y
            )),
            _ => None,
        })
        .show(ui, |plot| {
            for s in series {
                let points: Vec<[f64; 2]> = s
                    .result
                    .latency_cdf
                    .iter()
                    .map(|[p, us]| [nines(*p), *us])
                    .collect();
                plot.line(Line::new(s.name.clone(), points).color(s.color).width(2.0));
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nines_axis_round_trips() {
        assert_eq!(nines(0.0), 0.0);
        assert!((nines(99.0) - 2.0).abs() < 1e-9);
        assert_eq!(nines_label(1.0), "90%");
        assert_eq!(nines_label(3.0), "99.90%");
    }
}
