//! Axis ranges every renderer can draw: finite, non-degenerate, and points clamped into them.
//! The image library loops forever laying ticks on an infinite or empty range, and the app's
//! plots draw nothing useful; results from elsewhere (the app's live runs) can hold such figures.

/// The upper end of an axis that shows `max` with some headroom (never empty).
pub fn headroom(max: f64) -> f64 {
    if max.is_finite() && max > 0.0 {
        max * 1.08
    } else {
        1.0
    }
}

/// The largest magnitude an axis reaches. Results files are checked against much smaller
/// limits; this guards figures that come from elsewhere (the app's live runs).
pub const AXIS_LIMIT: f64 = 1e18;

/// A linear axis range from `lo` to `hi` that a renderer can always lay ticks on: finite,
/// within ±[`AXIS_LIMIT`], increasing and not vanishingly narrow. An infinite or degenerate
/// range makes its tick search loop forever.
pub fn axis_range(lo: f64, hi: f64) -> std::ops::Range<f64> {
    let tame = |v: f64, fallback: f64| {
        if v.is_finite() {
            v.clamp(-AXIS_LIMIT, AXIS_LIMIT)
        } else {
            fallback
        }
    };
    let lo = tame(lo, 0.0);
    let hi = tame(hi, lo + 1.0);
    let (lo, hi) = if hi < lo { (hi, lo) } else { (lo, hi) };
    let least = (lo.abs().max(hi.abs()) * 1e-6).max(1e-9);
    if hi - lo < least {
        if hi + least <= AXIS_LIMIT {
            lo..hi + least
        } else {
            lo - least..hi
        }
    } else {
        lo..hi
    }
}

/// A log-scale axis range from `lo` to `hi`: positive, finite and at least a little wide.
pub fn log_axis_range(lo: f64, hi: f64) -> std::ops::Range<f64> {
    let lo = if lo.is_finite() && lo > 0.0 {
        lo.clamp(1e-9, AXIS_LIMIT / 10.0)
    } else {
        1e-3
    };
    let hi = if hi.is_finite() {
        hi.min(AXIS_LIMIT)
    } else {
        lo * 10.0
    };
    lo..hi.max(lo * 1.1)
}

/// `p` clamped into the box `x` × `y`, so a stray point is drawn at the edge instead of
/// billions of pixels away.
pub fn inside(p: (f64, f64), x: &std::ops::Range<f64>, y: &std::ops::Range<f64>) -> (f64, f64) {
    let clamp = |v: f64, r: &std::ops::Range<f64>| {
        if v.is_nan() {
            r.start
        } else {
            v.clamp(r.start, r.end)
        }
    };
    (clamp(p.0, x), clamp(p.1, y))
}

#[cfg(test)]
mod tests {
    use super::{axis_range, inside, log_axis_range};

    fn usable(r: &std::ops::Range<f64>) -> bool {
        r.start.is_finite() && r.end.is_finite() && r.end > r.start
    }

    #[test]
    fn axis_ranges_are_finite_and_never_empty() {
        for (lo, hi) in [
            (0.0, f64::MAX * 1.08),
            (0.0, f64::INFINITY),
            (f64::NAN, f64::NAN),
            (0.0, 0.0),
            (0.0, 5e-324),
            (1e300, 1e300),
            (5.0, -5.0),
            (f64::NEG_INFINITY, 0.0),
        ] {
            let r = axis_range(lo, hi);
            assert!(usable(&r), "{lo}..{hi} gave {r:?}");
            assert!(r.end - r.start >= 1e-9, "{lo}..{hi} gave {r:?}");
        }
        assert_eq!(axis_range(0.0, 10.0), 0.0..10.0, "sensible ranges are kept");
        for (lo, hi) in [
            (0.0, f64::INFINITY),
            (f64::NAN, 1.0),
            (5e-324, 5e-324),
            (2.0, 1.0),
        ] {
            let r = log_axis_range(lo, hi);
            assert!(usable(&r) && r.start > 0.0, "{lo}..{hi} gave {r:?}");
        }
        let r = axis_range(0.0, 10.0);
        assert_eq!(inside((f64::MAX, f64::NAN), &r, &r), (10.0, 0.0));
    }
}
