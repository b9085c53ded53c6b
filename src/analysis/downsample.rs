//! Reduces a long series to at most a given number of points while keeping its peaks, so
//! an hour-long timeline draws as fast as a short one.

/// At most `max` points of `points` (sorted by x): each of `max / 2` equal chunks is replaced
/// by its minimum and maximum, in x order. Short series come back unchanged.
pub fn downsample(points: &[[f64; 2]], max: usize) -> Vec<[f64; 2]> {
    let max = max.max(4);
    if points.len() <= max {
        return points.to_vec();
    }
    let chunks = max / 2;
    let mut out = Vec::with_capacity(chunks * 2);
    for c in 0..chunks {
        let from = c * points.len() / chunks;
        let to = ((c + 1) * points.len() / chunks).max(from + 1);
        let chunk = &points[from..to];
        let (mut lo, mut hi) = (chunk[0], chunk[0]);
        for p in chunk {
            if p[1] < lo[1] {
                lo = *p;
            }
            if p[1] > hi[1] {
                hi = *p;
            }
        }
        if lo[0] <= hi[0] {
            out.extend([lo, hi]);
        } else {
            out.extend([hi, lo]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_short_series_and_peaks_of_long_ones() {
        let short = vec![[0.0, 1.0], [1.0, 2.0]];
        assert_eq!(downsample(&short, 100), short);
        let mut long: Vec<[f64; 2]> = (0..15_000).map(|i| [i as f64, 1.0]).collect();
        long[7_777][1] = 50.0;
        long[9_000][1] = -3.0;
        let d = downsample(&long, 1000);
        assert!(d.len() <= 1000);
        assert!(d.iter().any(|p| p[1] == 50.0), "the spike survives");
        assert!(d.iter().any(|p| p[1] == -3.0), "the dip survives");
        assert!(d.windows(2).all(|w| w[0][0] <= w[1][0]), "x stays sorted");
    }
}
