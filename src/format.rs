//! Number formatting shared by the command line, the app and exported images.

/// `1234567.0` → `1.23M`: short, readable magnitudes for tables.
pub fn si(v: f64) -> String {
    let a = v.abs();
    if a >= 1e9 {
        format!("{:.2}G", v / 1e9)
    } else if a >= 1e6 {
        format!("{:.2}M", v / 1e6)
    } else if a >= 1e4 {
        format!("{:.1}k", v / 1e3)
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// Bytes as MiB with one decimal.
pub fn mib(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / (1024.0 * 1024.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn si_formats_magnitudes() {
        assert_eq!(si(2_345_678.0), "2.35M");
        assert_eq!(si(12_345.0), "12.3k");
        assert_eq!(si(512.4), "512");
        assert_eq!(si(2.71), "2.71");
        assert_eq!(mib(3 * 1024 * 1024), "3.0");
    }
}
