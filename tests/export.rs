//! Export with the real binary: PNG/SVG charts from `run` and `chart`, CSV and JSON results,
//! and clear errors for files that are not results.

mod common;

use common::*;
use std::path::Path;

/// Decodes a PNG and returns its size and the share of pixels that are not the white page.
fn png_ink(path: &Path) -> (u32, u32, f64) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let pixels = buf[..info.buffer_size()].chunks(channels);
    let total = (info.width * info.height) as f64;
    let ink = pixels
        .filter(|p| p.iter().take(3).any(|c| *c < 245))
        .count() as f64;
    (info.width, info.height, ink / total)
}

fn assert_svg(path: &Path) {
    let text = std::fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&text)
        .unwrap_or_else(|e| panic!("{} is not XML: {e}", path.display()));
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    assert!(
        doc.descendants().filter(|n| n.has_tag_name("text")).count() > 10,
        "labelled axes and a legend"
    );
}

fn results_file(dir: &Path) -> std::path::PathBuf {
    let runs = [
        run_table(
            "threads",
            "[1, 2]",
            "duration_s = 0.6",
            "kind = \"cpu\"\niterations = 20000",
        ),
        run_table(
            "processes",
            "[1, 2]",
            "duration_s = 0.6",
            "kind = \"cpu\"\niterations = 20000",
        ),
    ];
    let profile = write(dir, "p.toml", &profile(&runs));
    let json = dir.join("r.json");
    let out = dir.join("r.csv");
    let png = dir.join("dash.png");
    let svg = dir.join("dash.svg");
    run_profile(&profile)
        .args([
            "--json".as_ref(),
            json.as_os_str(),
            "--csv".as_ref(),
            out.as_os_str(),
        ])
        .args([
            "--png".as_ref(),
            png.as_os_str(),
            "--svg".as_ref(),
            svg.as_os_str(),
            "-q".as_ref(),
        ])
        .assert()
        .success();
    json
}

#[test]
fn run_writes_a_dashboard_csv_and_json_that_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let json = results_file(dir.path());
    let (w, h, ink) = png_ink(&dir.path().join("dash.png"));
    assert_eq!((w, h), (1600, 1000));
    assert!(
        ink > 0.02,
        "the dashboard has content ({:.1} % ink)",
        ink * 100.0
    );
    assert_svg(&dir.path().join("dash.svg"));

    let mut csv = csv::Reader::from_path(dir.path().join("r.csv")).unwrap();
    let header: Vec<String> = csv.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(header, parlab::export::CSV_HEADER);
    let rows: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 4);
    assert_eq!(&rows[3][1], "processes");
    assert!(
        rows[3][9].parse::<f64>().unwrap() > 0.0,
        "throughput_per_sec is a number"
    );

    let results = parlab::results::Results::load_json(&json).unwrap();
    let again = serde_json::to_string_pretty(&results).unwrap();
    assert_eq!(
        parlab::results::Results::from_json(&again, "again").unwrap(),
        results
    );
    assert!(results.created_utc.ends_with('Z'));
}

#[test]
fn chart_renders_every_kind_from_saved_results() {
    let dir = tempfile::tempdir().unwrap();
    let json = results_file(dir.path());
    for kind in [
        "throughput",
        "latency",
        "cpu",
        "scaling",
        "dashboard",
        "findings",
    ] {
        let png = dir.path().join(format!("{kind}.png"));
        let svg = dir.path().join(format!("{kind}.svg"));
        parlab()
            .args([
                "chart".as_ref(),
                json.as_os_str(),
                "--kind".as_ref(),
                kind.as_ref(),
            ])
            .args([
                "--png".as_ref(),
                png.as_os_str(),
                "--svg".as_ref(),
                svg.as_os_str(),
            ])
            .assert()
            .success();
        let (w, h, ink) = png_ink(&png);
        assert_eq!((w, h), (1600, 1000), "{kind}");
        assert!(ink > 0.02, "{kind}: {:.1} % ink", ink * 100.0);
        assert_svg(&svg);
    }
    let big = dir.path().join("big.png");
    parlab()
        .args([
            "chart".as_ref(),
            json.as_os_str(),
            "--png".as_ref(),
            big.as_os_str(),
            "--scale".as_ref(),
            "2".as_ref(),
        ])
        .assert()
        .success();
    assert_eq!(
        png_ink(&big).0,
        3200,
        "--scale 2 doubles the size for high-DPI"
    );
}

/// Every text an SVG draws, joined by newlines.
fn svg_text(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    let texts = doc.descendants().filter(|n| n.has_tag_name("text"));
    texts
        .map(|n| n.text().unwrap_or_default().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn findings_have_a_page_and_a_panel_under_the_dashboard_even_for_old_files() {
    let dir = tempfile::tempdir().unwrap();
    let json = results_file(dir.path());
    let results = parlab::results::Results::load_json(&json).unwrap();
    let ranked = parlab::results::findings::ranked(&results.findings);
    assert!(!ranked.is_empty(), "two sweeps of CPU work have findings");
    // A file from before findings: they are worked out from its runs.
    let mut old: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    old.as_object_mut().unwrap().remove("findings");
    let old_json = write(dir.path(), "old.json", &old.to_string());
    for kind in ["findings", "dashboard"] {
        let svg = dir.path().join(format!("{kind}.svg"));
        parlab()
            .args([
                "chart".as_ref(),
                old_json.as_os_str(),
                "--kind".as_ref(),
                kind.as_ref(),
            ])
            .args(["--svg".as_ref(), svg.as_os_str()])
            .assert()
            .success();
        let text = svg_text(&svg);
        // The most severe finding is on both; the page lists every one and the laws.
        let first = format!("{} [{}]", ranked[0].title, ranked[0].id);
        assert!(text.contains(&first), "{kind}: {first}\n{text}");
        if kind == "findings" {
            for f in &ranked {
                assert!(text.contains(&f.title), "{}\n{text}", f.title);
            }
            assert!(text.contains("Scaling laws"), "{text}");
        }
    }
}

#[test]
fn bad_results_files_get_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("x.png");
    let broken = write(
        dir.path(),
        "broken.json",
        "{\n  \"schema\": \"parlab-results/1\",\n  \"runs\": [ oops ]\n}\n",
    );
    let out = parlab()
        .args([
            "chart".as_ref(),
            broken.as_os_str(),
            "--png".as_ref(),
            png.as_os_str(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("broken.json:3:") && err.contains("not a parlab results file"),
        "{err}"
    );

    let future = write(
        dir.path(),
        "future.json",
        "{\"schema\": \"parlab-results/9\"}",
    );
    let out = parlab()
        .args([
            "chart".as_ref(),
            future.as_os_str(),
            "--png".as_ref(),
            png.as_os_str(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("results schema \"parlab-results/9\" is not supported"),
        "{err}"
    );

    let out = parlab()
        .args(["chart".as_ref(), future.as_os_str()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "no output named");
    let out = parlab()
        .args(["chart", "/nonexistent.json", "--png", "/nonexistent/x.png"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("folder /nonexistent does not exist"));
    assert!(!png.exists(), "nothing half-written");
}
