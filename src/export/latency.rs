//! Latency: p50 and p99 over time, and the distribution by percentile on a "nines" axis.

use super::ExportSet;
use super::frame::{
    Axis, Style, axis_range, color, headroom, inside, key, legend, linear_chart, log_axis_range,
    nothing_to_show,
};
use crate::analysis::downsample;
use crate::format::axis;
use plotters::coord::Shift;
use plotters::prelude::*;

/// A run's colour number, its label and its points.
type Series<'a, P> = (u64, &'a str, Vec<P>);

/// A run's colour number, its label, its p50 and its p99 points.
type Percentiles<'a> = (u64, &'a str, Vec<[f64; 2]>, Vec<[f64; 2]>);

/// p50 (thick) and p99 (thin) latency per timeline bucket.
pub fn over_time<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    set: &ExportSet,
    style: &Style,
) -> Result<(), String> {
    let width = area.dim_in_pixel().0 as usize;
    let series: Vec<Percentiles> = set
        .runs
        .iter()
        .map(|(n, r)| {
            let p50: Vec<[f64; 2]> = r
                .timeline
                .iter()
                .filter_map(|p| p.p50_us.map(|v| [p.t, v]))
                .collect();
            let p99: Vec<[f64; 2]> = r
                .timeline
                .iter()
                .filter_map(|p| p.p99_us.map(|v| [p.t, v]))
                .collect();
            (
                *n,
                r.label.as_str(),
                downsample(&p50, width * 2),
                downsample(&p99, width * 2),
            )
        })
        .filter(|s| !s.2.is_empty())
        .collect();
    if series.is_empty() {
        return nothing_to_show(area, "No latencies to show: no task completed.", style);
    }
    let x_max = series
        .iter()
        .flat_map(|s| s.2.iter().map(|p| p[0]))
        .fold(0.0, f64::max);
    let y_max = series
        .iter()
        .flat_map(|s| s.3.iter().map(|p| p[1]))
        .fold(0.0, f64::max);
    let x_range = axis_range(0.0, x_max.max(1e-3) * 1.02);
    let y_range = axis_range(0.0, headroom(y_max));
    let mut chart = linear_chart(
        area,
        style,
        "p50 (thick) and p99 (thin) over time",
        Axis {
            desc: "time since start (s)",
            range: x_range.clone(),
            ticks: 10,
        },
        Axis {
            desc: "latency (µs)",
            range: y_range.clone(),
            ticks: 10,
        },
    )?;
    for (n, label, p50, p99) in series {
        let c = color(n);
        chart
            .draw_series(LineSeries::new(
                p50.iter().map(|p| inside((p[0], p[1]), &x_range, &y_range)),
                c.stroke_width(style.px(2.5)),
            ))
            .map_err(|e| e.to_string())?
            .label(label)
            .legend(key(c));
        chart
            .draw_series(LineSeries::new(
                p99.iter().map(|p| inside((p[0], p[1]), &x_range, &y_range)),
                c.mix(0.6).stroke_width(style.px(1.2)),
            ))
            .map_err(|e| e.to_string())?;
    }
    legend(&mut chart, style, SeriesLabelPosition::UpperRight)
}

/// Percentiles spread as "nines": 90 % → 1, 99 % → 2, 99.9 % → 3.
fn nines(percentile: f64) -> f64 {
    -(1.0 - percentile / 100.0).log10()
}

fn nines_label(x: f64) -> String {
    let p = 100.0 * (1.0 - 10f64.powf(-x));
    if p < 99.0 {
        format!("p{p:.0}")
    } else {
        format!("p{p:.2}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    }
}

/// Latency by percentile, log scale, one line per run.
pub fn distribution<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    set: &ExportSet,
    style: &Style,
) -> Result<(), String> {
    let series: Vec<Series<(f64, f64)>> = set
        .runs
        .iter()
        .map(|(n, r)| {
            let points = r
                .latency_cdf
                .iter()
                .filter(|[p, us]| *p < 100.0 && *us > 0.0)
                .map(|[p, us]| (nines(*p), *us))
                .collect();
            (*n, r.label.as_str(), points)
        })
        .filter(|s: &Series<(f64, f64)>| !s.2.is_empty())
        .collect();
    if series.is_empty() {
        return nothing_to_show(area, "No latency distribution in these results.", style);
    }
    let y_min = series
        .iter()
        .flat_map(|s| s.2.iter().map(|p| p.1))
        .fold(f64::INFINITY, f64::min)
        .max(1e-3);
    let y_max = series
        .iter()
        .flat_map(|s| s.2.iter().map(|p| p.1))
        .fold(0.0, f64::max);
    let x_range = 0.0..4.05;
    let y_range = log_axis_range(y_min * 0.8, y_max * 1.5);
    let mut chart = ChartBuilder::on(area)
        .caption("Distribution by percentile", style.font(22.0))
        .margin(style.px(10.0))
        .x_label_area_size(style.px(52.0))
        .y_label_area_size(style.px(84.0))
        .build_cartesian_2d(x_range.clone(), y_range.clone().log_scale())
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .x_desc("percentile")
        .y_desc("latency (µs, log scale)")
        .label_style(style.font(16.0))
        .axis_desc_style(style.font(18.0))
        .x_labels(5)
        .x_label_formatter(&|x| nines_label(*x))
        .y_labels(8)
        .y_label_formatter(&|v| axis(*v))
        .light_line_style(WHITE)
        .draw()
        .map_err(|e| e.to_string())?;
    for (n, label, points) in series {
        let c = color(n);
        chart
            .draw_series(LineSeries::new(
                points.iter().map(|p| inside(*p, &x_range, &y_range)),
                c.stroke_width(style.px(2.5)),
            ))
            .map_err(|e| e.to_string())?
            .label(label)
            .legend(key(c));
    }
    legend(&mut chart, style, SeriesLabelPosition::UpperLeft)
}

#[cfg(test)]
mod tests {
    #[test]
    fn nines_labels() {
        assert_eq!(super::nines_label(0.0), "p0");
        assert_eq!(super::nines_label(1.0), "p90");
        assert_eq!(super::nines_label(3.0), "p99.9");
    }
}
