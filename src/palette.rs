//! The colours that tell runs apart, shared by the app and exported images so a run has the
//! same colour everywhere.
//!
//! The first seven are Okabe and Ito's colour-blind-safe set (its black left out: it is the
//! text colour of images, and invisible on the app's dark background); then Paul Tol's
//! muted and light sets, then a few more, each far enough (CIE ΔE ≥ 10) from every other to
//! be told apart on white and on dark grey. Colours repeat only after [`COLORS`]`.len()` runs.

/// Twenty-four distinct colours, as RGB, colour-blind-safe ones first.
pub const COLORS: [(u8, u8, u8); 24] = [
    // Okabe–Ito.
    (0, 114, 178),   // blue
    (230, 159, 0),   // orange
    (0, 158, 115),   // bluish green
    (213, 94, 0),    // vermillion
    (86, 180, 233),  // sky blue
    (204, 121, 167), // reddish purple
    (240, 228, 66),  // yellow
    // Paul Tol, muted.
    (51, 34, 136),   // indigo
    (136, 34, 85),   // wine
    (68, 170, 153),  // teal
    (153, 153, 51),  // olive
    (170, 68, 153),  // purple
    (17, 119, 51),   // green
    (204, 102, 119), // rose
    // Paul Tol, light, and more.
    (153, 221, 255), // light blue
    (238, 136, 102), // orange-pink
    (187, 204, 51),  // pear
    (255, 170, 187), // pink
    (119, 119, 119), // grey
    (140, 86, 75),   // brown
    (0, 0, 255),     // pure blue
    (255, 0, 255),   // magenta
    (0, 210, 210),   // cyan
    (190, 160, 255), // lavender
];

/// The colour of run number `n`.
pub fn rgb(n: u64) -> (u8, u8, u8) {
    COLORS[(n % COLORS.len() as u64) as usize]
}

/// The colour of a finding's severity mark, in the app and in images: blue for what is
/// worth knowing, amber for what is worth acting on, red for what went wrong.
pub fn severity_rgb(severity: crate::results::findings::Severity) -> (u8, u8, u8) {
    use crate::results::findings::Severity;
    match severity {
        Severity::Info => (70, 120, 190),
        Severity::Notice => (215, 140, 0),
        Severity::Warning => (200, 50, 40),
    }
}

#[cfg(test)]
mod tests {
    use super::COLORS;

    /// sRGB to CIE L*a*b* (D65).
    fn lab((r, g, b): (u8, u8, u8)) -> [f64; 3] {
        let lin = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        let (r, g, b) = (lin(r), lin(g), lin(b));
        let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
        let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
        let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
        let f = |t: f64| {
            if t > 0.008856 {
                t.cbrt()
            } else {
                7.787 * t + 16.0 / 116.0
            }
        };
        let (fx, fy, fz) = (f(x), f(y), f(z));
        [116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)]
    }

    #[test]
    fn twenty_distinct_colours_okabe_ito_first() {
        assert!(COLORS.len() >= 20);
        assert_eq!(COLORS[0], (0, 114, 178), "Okabe–Ito blue first");
        assert_eq!(COLORS[1], (230, 159, 0), "then Okabe–Ito orange");
        for (i, a) in COLORS.iter().enumerate() {
            for (j, b) in COLORS.iter().enumerate().skip(i + 1) {
                let (p, q) = (lab(*a), lab(*b));
                let de =
                    ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2) + (p[2] - q[2]).powi(2)).sqrt();
                assert!(de >= 10.0, "colours {i} and {j} are {de:.1} apart");
            }
        }
        // #11 (number 10) is not #1's colour any more.
        assert_ne!(super::rgb(10), super::rgb(0));
    }
}
