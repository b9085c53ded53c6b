//! Automatic run labels (a run without `label = …`): `<model> ×<workers>`, and when the
//! profile's runs differ in workload, what differs: the workload's kind and its main
//! parameter (`threads ×1 · sleep ms=2`, `threads ×1 · cpu iterations=200k`), so two runs
//! never share a label only because their workloads were left out of it.
//!
//! Labels are written into results files; files written with older labels still open (a
//! label is only ever read back as text).

use super::RunSpec;
use crate::workload::{Value, WorkloadSpec};

/// The longest parameter value a label quotes, in characters (longer ones are cut with `…`).
const MAX_VALUE_CHARS: usize = 24;

/// The automatic label of `run` at `workers` workers, among the profile's `runs`.
pub fn automatic(run: &RunSpec, workers: u64, runs: &[RunSpec]) -> String {
    let base = format!("{} ×{workers}", run.model);
    if runs.iter().all(|r| r.workload == run.workload) {
        return base;
    }
    format!("{base} · {}", describe(&run.workload, runs))
}

/// The workload's kind and its first parameter (`cpu iterations=200k`): what the app's
/// summary shows in its workload column, where a run's label may not say it.
pub fn brief(workload: &WorkloadSpec) -> String {
    describe(workload, &[])
}

/// The workload's kind and its main parameter: the first one (in the editor's order) whose
/// value differs among the profile's workloads of the same kind, else the first one.
fn describe(workload: &WorkloadSpec, runs: &[RunSpec]) -> String {
    let kind = workload.kind();
    let json = |w: &WorkloadSpec| serde_json::to_value(w).unwrap_or_default();
    let mine = json(workload);
    let same_kind: Vec<serde_json::Value> = runs
        .iter()
        .filter(|r| r.workload.kind() == kind)
        .map(|r| json(&r.workload))
        .collect();
    let mut probe = workload.clone();
    let keys: Vec<&'static str> = probe
        .fields()
        .into_iter()
        .filter(|f| !matches!(f.value, Value::Code { .. } | Value::Lines { .. }))
        .map(|f| f.key)
        .collect();
    let differs = |key: &&&str| same_kind.iter().any(|w| w.get(**key) != mine.get(**key));
    let key = keys.iter().find(differs).or(keys.first());
    match key.and_then(|k| Some((k, quoted(mine.get(*k)?)?))) {
        Some((key, value)) => format!("{kind} {key}={value}"),
        None => kind.to_string(),
    }
}

/// A parameter value as a label shows it; `None` for one that is not a single value.
fn quoted(value: &serde_json::Value) -> Option<String> {
    let text = match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => compact(n),
        serde_json::Value::Bool(b) => b.to_string(),
        _ => return None,
    };
    let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(if text.chars().count() > MAX_VALUE_CHARS {
        let cut: String = text.chars().take(MAX_VALUE_CHARS - 1).collect();
        format!("{cut}…")
    } else {
        text
    })
}

/// A number short and exact: whole thousands and millions as `200k`, `2M`; `2` for 2.0.
fn compact(n: &serde_json::Number) -> String {
    if let Some(u) = n.as_u64() {
        return match u {
            0 => "0".into(),
            u if u % 1_000_000 == 0 => format!("{}M", u / 1_000_000),
            u if u % 1_000 == 0 => format!("{}k", u / 1_000),
            u => u.to_string(),
        };
    }
    n.as_f64().map_or_else(|| n.to_string(), |f| f.to_string())
}

#[cfg(test)]
mod tests {
    use crate::profile::parse_str;

    fn labels(runs: &str) -> Vec<String> {
        let text = format!("name = \"p\"\n{runs}");
        let profile = parse_str(&text, "p.toml").expect("valid profile");
        profile.plan().into_iter().map(|p| p.label).collect()
    }

    const CPU: &str = "[[run]]\nmodel = \"threads\"\nworkers = 1\ntasks = 5\n[run.workload]\nkind = \"cpu\"\niterations = 1000\n";
    const SLEEP: &str = "[[run]]\nmodel = \"threads\"\nworkers = 1\ntasks = 5\n[run.workload]\nkind = \"sleep\"\nms = 2\n";

    #[test]
    fn runs_that_differ_in_workload_get_different_labels() {
        // Issue 15: cpu and sleep were both `threads ×1`.
        assert_eq!(
            labels(&format!("{CPU}{SLEEP}")),
            ["threads ×1 · cpu iterations=1k", "threads ×1 · sleep ms=2"]
        );
        let more = CPU.replace("1000", "5001");
        assert_eq!(
            labels(&format!("{CPU}{more}")),
            [
                "threads ×1 · cpu iterations=1k",
                "threads ×1 · cpu iterations=5001"
            ]
        );
    }

    #[test]
    fn runs_of_one_workload_keep_the_short_label_and_explicit_labels_stay() {
        let sweep = CPU.replace("workers = 1", "workers = [1, 2]");
        let processes = CPU.replace("threads", "processes");
        assert_eq!(
            labels(&format!("{sweep}{processes}")),
            ["threads ×1", "threads ×2", "processes ×1"]
        );
        let named = SLEEP.replace("[[run]]\n", "[[run]]\nlabel = \"nap\"\n");
        assert_eq!(
            labels(&format!("{CPU}{named}")),
            ["threads ×1 · cpu iterations=1k", "nap"]
        );
    }
}
