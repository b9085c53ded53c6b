//! The promises of the results format: `parlab-results/1` and the CSV columns are documented as
//! stable. `tests/golden/` holds files produced once by the real binary (from
//! `tests/golden/profile-v1.toml`) and then frozen; today's code must read and write them
//! field for field and byte for byte. A failure here means a change breaks files users have.

use parlab::results::Results;
use serde_json::Value;
use std::path::Path;

const GOLDEN_JSON: &str = include_str!("golden/results-v1.json");
const GOLDEN_CSV: &str = include_str!("golden/results-v1.csv");

/// The CSV header, literally as documented in the README.
const HEADER: &str = "label,model,workers,workload,status,error,tasks_completed,tasks_failed,\
wall_seconds,throughput_per_sec,latency_min_us,latency_mean_us,p50_us,p90_us,p99_us,p999_us,\
latency_max_us,overhead_per_task_us,user_s,sys_s,voluntary_ctx,involuntary_ctx,peak_rss_bytes,\
host_cpu,host_logical_cpus,lost_updates,bytes_moved,makespan_s,load_balance,effective_parallelism";

fn golden() -> Results {
    Results::from_json(GOLDEN_JSON, "results-v1.json").expect("the golden results file reads")
}

/// The first place where two JSON values differ, as a path, for a readable failure.
fn first_difference(path: &str, a: &Value, b: &Value) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            x.keys()
                .chain(y.keys())
                .find_map(|k| match (x.get(k), y.get(k)) {
                    (Some(u), Some(v)) => first_difference(&format!("{path}.{k}"), u, v),
                    (u, v) => Some(format!("{path}.{k}: {u:?} vs {v:?}")),
                })
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (u, v))| first_difference(&format!("{path}[{i}]"), u, v)),
        _ => (a != b).then(|| format!("{path}: {a} vs {b}")),
    }
}

#[test]
fn golden_results_are_read_and_written_field_for_field() {
    let written: Value = serde_json::from_str(&golden().to_json()).expect("written JSON parses");
    let frozen: Value = serde_json::from_str(GOLDEN_JSON).expect("golden JSON parses");
    assert_eq!(
        first_difference("", &frozen, &written),
        None,
        "a results field was renamed, dropped, added or changed on the way through"
    );
    assert_eq!(frozen, written);
}

#[test]
fn golden_results_cover_the_optional_fields() {
    // Without these the round trip above would not guard them.
    let results = golden();
    let stats: Vec<_> = results
        .runs
        .iter()
        .filter_map(|r| r.workload_stats.as_ref())
        .collect();
    assert!(stats.iter().any(|s| s.lost_updates.is_some()));
    assert!(stats.iter().any(|s| s.bytes_moved.is_some()));
    assert!(results.runs.iter().any(|r| r.error.is_some()));
    assert!(results.runs.iter().any(|r| r.warmup_tasks == 0));
    assert!(results.profile.runs.iter().any(|r| r.warmup_tasks > 0));
}

/// `results-v1.csv` is what the exporter wrote from `results-v1.json` (not what the measuring
/// run wrote: serde_json's default float parser may read a number one unit in the last place
/// off, e.g. `44.039474999999996` as `44.039475`).
#[test]
fn golden_results_export_to_the_golden_csv_byte_for_byte() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("results.csv");
    parlab::export::write_csv(&golden(), &path).expect("CSV written");
    let written = std::fs::read_to_string(&path).expect("CSV read back");
    assert_eq!(GOLDEN_CSV.lines().next(), Some(HEADER), "the frozen header");
    assert_eq!(
        written.lines().next(),
        Some(HEADER),
        "the header as written"
    );
    let mut rows = csv::Reader::from_reader(written.as_bytes());
    for row in rows.records() {
        assert_eq!(row.expect("a CSV row").len(), HEADER.split(',').count());
    }
    assert_eq!(written, GOLDEN_CSV);
}

#[test]
fn golden_profile_is_the_profile_the_results_were_measured_with() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/profile-v1.toml");
    let profile = parlab::profile::load_file(&path).expect("the golden profile loads");
    assert_eq!(profile, golden().profile);
}
