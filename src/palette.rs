//! The colours that tell runs apart, shared by the app and exported images so a run has the
//! same colour everywhere.

/// Ten distinct colours (the "tab10" palette), as RGB.
pub const COLORS: [(u8, u8, u8); 10] = [
    (31, 119, 180),
    (255, 127, 14),
    (44, 160, 44),
    (214, 39, 40),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (127, 127, 127),
    (188, 189, 34),
    (23, 190, 207),
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
