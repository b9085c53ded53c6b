use super::*;
use crate::results::Results;

fn golden() -> Results {
    let text = include_str!("../../../tests/golden/results-v1.json");
    Results::from_json(text, "results-v1.json").expect("golden results")
}

#[test]
fn names_are_unique_and_every_column_has_a_heading() {
    let all: Vec<&Column> = CSV
        .iter()
        .chain(&SUMMARY)
        .chain(&APP_SUMMARY)
        .copied()
        .collect();
    for c in &all {
        assert!(!c.key.is_empty() && !c.heading.is_empty(), "{}", c.key);
        let same_key = all.iter().filter(|d| d.key == c.key);
        assert!(
            same_key.clone().all(|d| d.heading == c.heading),
            "one key, one column: {}",
            c.key
        );
    }
    let mut keys: Vec<&str> = CSV.iter().map(|c| c.key).collect();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), CSV.len(), "CSV names are unique");
}

#[test]
fn workload_figures_apply_only_when_some_run_measured_them() {
    let results = golden();
    let race: Vec<_> = results.runs.iter().filter(|r| r.label == "race").collect();
    let cpu: Vec<_> = results.runs.iter().filter(|r| r.label == "cpu").collect();
    assert!(LOST_UPDATES.applies_to(race.iter().copied()));
    assert!(!LOST_UPDATES.applies_to(cpu.iter().copied()));
    assert!(!BYTES_MOVED.applies_to(race.iter().copied()));
    assert!(BYTES_MOVED.applies_to(&results.runs));
    assert!(LABEL.applies_to(&[]));
}

#[test]
fn values_are_shown_as_people_read_them() {
    let results = golden();
    let copy = &results.runs[2];
    assert_eq!(copy.label, "copy");
    assert_eq!(BYTES_MOVED.value(copy, None), Some(Value::Count(81920)));
    assert_eq!(BYTES_MOVED.shown(copy, None).as_deref(), Some("0.1"));
    assert_eq!(WALL_SECONDS.shown(copy, None).as_deref(), Some("0.01"));
    assert_eq!(LOST_UPDATES.shown(copy, None), None);
    assert_eq!(
        HOST_CPU.shown(copy, None),
        None,
        "no host given, none in the run"
    );
    assert_eq!(
        HOST_CPU.shown(copy, Some(&results.host)).as_deref(),
        Some("AMD EPYC")
    );
}
