//! Scaling-law fits end to end (issue 14): `parlab run` of a sweep writes a `fits` entry into
//! the results, and `parlab chart --kind scaling` draws the fitted curve.

mod common;

use common::*;
use std::time::Duration;

#[test]
fn a_sleep_sweep_over_five_worker_counts_is_fitted_and_charted() {
    let dir = tempfile::tempdir().unwrap();
    let runs = [run_table(
        "threads",
        "[1, 2, 3, 4, 5]",
        "tasks = 60",
        "kind = \"sleep\"\nms = 2",
    )];
    let text = common::repeated_profile(3, &runs);
    let path = write(dir.path(), "sweep.toml", &text);
    let json_path = dir.path().join("out.json");
    let out = run_command(&path, &json_path)
        .arg("-q")
        .timeout(Duration::from_secs(60))
        .output()
        .expect("parlab runs");
    assert!(out.status.success(), "{out:?}");
    // The fit is printed after the findings, in words.
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("\nscaling laws:\n- threads · sleep: Amdahl serial fraction s = ")
            && stdout.contains("- threads · sleep: USL contention σ = "),
        "{stdout}"
    );
    let json = read_json(&json_path);
    let fits = json["fits"].as_array().expect("a fits list");
    assert_eq!(fits.len(), 1, "{fits:?}");
    let fit = &fits[0];
    assert_eq!(fit["series"], "threads · sleep");
    assert_eq!(fit["runs"].as_array().unwrap().len(), 5);
    assert_eq!(
        fit["fitted_up_to"], 5,
        "sleep uses no CPU: every point is fitted"
    );
    let laws = fit["laws"].as_array().expect("laws");
    let model = |m: &str| laws.iter().find(|l| l["model"] == m).cloned();
    let usl = model("usl").expect("five worker counts: a USL fit");
    let amdahl = model("amdahl").expect("an Amdahl fit");
    assert_eq!(usl["points"], 5);
    for p in ["sigma", "kappa", "lambda"] {
        assert!(usl[p]["value"].as_f64().unwrap() >= 0.0, "{p}: {usl}");
    }
    assert!(["none", "inside", "beyond-measured-range"].contains(&usl["peak"].as_str().unwrap()));
    // Waiting scales nearly linearly: a small serial fraction.
    let s = amdahl["s"]["value"].as_f64().unwrap();
    assert!(s < 0.2, "serial fraction of sleeping threads: {amdahl}");
    assert_eq!(fit["karp_flatt"].as_array().unwrap().len(), 4);
    let notes = fit["notes"].as_array().map(Vec::len).unwrap_or(0);
    let text = fit["notes"].to_string();
    assert!(notes == 0 || !text.contains("CPU-bound"), "{text}");

    let svg = dir.path().join("scaling.svg");
    parlab()
        .arg("chart")
        .arg(&json_path)
        .args(["--kind", "scaling", "--svg"])
        .arg(&svg)
        .timeout(Duration::from_secs(30))
        .assert()
        .success();
    let svg = std::fs::read_to_string(&svg).unwrap();
    assert!(
        svg.contains("faint line: fitted scaling law"),
        "the image draws the fit"
    );
}
