//! The machines behind the two sides of a comparison: one line each, and a warning when they
//! differ.

use crate::format::printable;
use crate::results::Host;

/// True when the two machines differ in CPU model or logical CPUs: ratios between them
/// measure the machines as well as the change.
pub fn hosts_differ(base: &Host, new: &Host) -> bool {
    base.cpu_brand != new.cpu_brand || base.logical_cpus != new.logical_cpus
}

/// The warnings about the two hosts, as sentences (empty when they are alike).
pub fn warnings(base: &Host, new: &Host) -> Vec<String> {
    if !hosts_differ(base, new) {
        return Vec::new();
    }
    let short = |h: &Host| {
        format!(
            "{}, {} logical CPUs",
            printable(&h.cpu_brand),
            h.logical_cpus
        )
    };
    vec![format!(
        "the files were measured on different machines (BASE: {}; NEW: {}): the ratios compare \
         the machines as well as whatever else changed",
        short(base),
        short(new)
    )]
}

/// A machine in one line: `AMD EPYC, 2 logical CPUs, Linux (Debian GNU/Linux 12)`, then any
/// further field the results record (`governor performance`), by name.
pub fn host_line(host: &Host) -> String {
    let mut parts = vec![
        printable(&host.cpu_brand).into_owned(),
        format!("{} logical CPUs", host.logical_cpus),
        printable(&host.os).into_owned(),
    ];
    // Fields added to `host` after this was written show too, as `name value`.
    if let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(host) {
        for (name, value) in fields {
            if matches!(name.as_str(), "cpu_brand" | "logical_cpus" | "os") || value.is_null() {
                continue;
            }
            let value = match value {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            parts.push(format!("{} {}", name.replace('_', " "), printable(&value)));
        }
    }
    parts.join(", ")
}
