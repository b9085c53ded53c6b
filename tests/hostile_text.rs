//! User text that could lie (issue 10, items 3, 4, 8): control characters in labels, names,
//! argv and errors never reach the terminal raw, external programs are shown shell-quoted,
//! CSV cells cannot be formulas, and SVGs stay XML.

mod common;

use common::*;
use std::path::Path;

/// A command run whose display would hide a `touch`, labelled with an OSC 52 clipboard write
/// and a newline, and a failing command whose error (its stderr) sets the window title.
fn hostile_profile(dir: &Path) -> std::path::PathBuf {
    let text = r#"name = "evil\u001b]0;title\u0007 name"

[[run]]
label = "copy\u001b]52;c;cHduZWQ=\u0007\nfake row\r"
model = "threads"
workers = 1
tasks = 2
[run.workload]
kind = "command"
argv = ["/bin/sh", "-c", "touch pwned #\u001b[2K\r  /bin/true"]

[[run]]
label = "=HYPERLINK(\"http://evil\",\"x\")"
model = "threads"
workers = 1
tasks = 1
[run.workload]
kind = "command"
argv = ["/bin/sh", "-c", "printf '\\033]0;owned\\007\\r-1+1\\n' >&2; exit 1"]
"#;
    write(dir, "evil.toml", text)
}

fn assert_clean(what: &str, bytes: &[u8]) {
    for (byte, name) in [(0x1b, "ESC"), (0x07, "BEL"), (b'\r', "CR"), (0x9b, "CSI")] {
        assert!(
            !bytes.contains(&byte),
            "{what} holds a raw {name}: {}",
            String::from_utf8_lossy(bytes)
        );
    }
    // C1 controls encoded in UTF-8 (U+0080..U+009F are C2 80..C2 9F).
    assert!(
        !bytes
            .windows(2)
            .any(|w| w[0] == 0xc2 && (0x80..=0x9f).contains(&w[1])),
        "{what} holds a C1 control"
    );
}

#[test]
fn run_and_validate_print_no_raw_control_characters() {
    let dir = tempfile::tempdir().unwrap();
    let p = hostile_profile(dir.path());
    let out = parlab().arg("validate").arg(&p).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_clean("validate stdout", &out.stdout);
    assert_clean("validate stderr", &out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(r"copy\u{1b}]52;c;cHduZWQ=\u{7}\nfake row\r"),
        "{stdout}"
    );

    let json = dir.path().join("r.json");
    let out = run_profile(&p)
        .current_dir(dir.path())
        .arg("--json")
        .arg(&json)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "the second run fails");
    assert_clean("run stdout", &out.stdout);
    assert_clean("run stderr", &out.stderr);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(r"  /bin/sh -c $'touch pwned #\e[2K\r  /bin/true'"),
        "the consent list shows what runs: {stderr}"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    // One table row per run plus the header, whatever the labels hold.
    let rows = stdout.lines().take_while(|l| !l.is_empty()).count();
    assert_eq!(rows, 3, "{stdout}");
    assert!(
        stdout.contains(r"\u{1b}]0;owned\u{7}"),
        "the error is shown, escaped: {stdout}"
    );

    // Errors in `validate` that quote the file are escaped too.
    let bad = write(
        dir.path(),
        "bad.toml",
        "name = \"x\"\nmodel\u{1b}]0;t\u{7} = 1\n",
    );
    let out = parlab().arg("validate").arg(&bad).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_clean("validate error", &out.stderr);
}

#[test]
fn csv_cells_are_never_formulas() {
    let dir = tempfile::tempdir().unwrap();
    let p = hostile_profile(dir.path());
    let csv = dir.path().join("r.csv");
    let out = run_profile(&p)
        .current_dir(dir.path())
        .arg("--csv")
        .arg(&csv)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let mut reader = csv::Reader::from_path(&csv).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(&rows[1][0], "'=HYPERLINK(\"http://evil\",\"x\")");
    for row in &rows {
        for cell in row {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a formula cell: {cell:?}"
            );
        }
    }
    // Numbers stay numbers.
    assert_eq!(&rows[0][6], "2");
    assert!(rows[0][8].parse::<f64>().is_ok());
}

#[test]
fn svgs_with_control_characters_in_every_text_stay_xml() {
    let dir = tempfile::tempdir().unwrap();
    let nasty = "a\u{0}b\u{1}c\u{1b}[2Kd\u{7f}\u{85}e\u{fffe}f\u{ffff}g<&>\"'";
    let text = format!(
        "name = {name}\n\n[[run]]\nlabel = {name}\nmodel = \"threads\"\nworkers = 1\ntasks = 20\n[run.workload]\nkind = \"sleep\"\nms = 1\n",
        name = toml_string(nasty)
    );
    let p = write(dir.path(), "nasty.toml", &text);
    let json = dir.path().join("r.json");
    run_command(&p, &json).arg("-q").assert().success();
    // The CPU brand and an error come from the results file.
    let mut results = read_json(&json);
    assert_eq!(results["profile"]["name"], nasty);
    results["host"]["cpu_brand"] = nasty.into();
    results["runs"][0]["error"] = nasty.into();
    std::fs::write(&json, results.to_string()).unwrap();
    for kind in ["dashboard", "throughput", "latency", "cpu", "scaling"] {
        let svg = dir.path().join(format!("{kind}.svg"));
        parlab()
            .arg("chart")
            .arg(&json)
            .args(["--kind", kind, "--svg"])
            .arg(&svg)
            .assert()
            .success();
        let text = std::fs::read_to_string(&svg).unwrap();
        let doc =
            roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{kind}: not XML: {e}"));
        let shown: String = doc.descendants().filter_map(|n| n.text()).collect();
        assert!(
            shown.contains(r"a\u{0}b\u{1}c\u{1b}[2Kd"),
            "{kind}: {shown}"
        );
    }
}

/// `s` as a TOML basic string, every character that is not plain printable ASCII escaped.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            ' '..='~' => out.push(c),
            c => out.push_str(&format!("\\u{:04x}", u32::from(c))),
        }
    }
    out.push('"');
    out
}
