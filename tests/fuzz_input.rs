//! Fuzzing hostile input with a seeded generator: mutated example profiles through the
//! profile parser, and results files with extreme numbers through the results reader and
//! the chart renderer (PNG and SVG). Every case runs on its own thread with a time limit,
//! and must end in either a sentence (no `Debug` text) or a usable profile or image.
//!
//! `PARLAB_FUZZ_CASES` multiplies the case counts and `PARLAB_FUZZ_SEED` changes the seed,
//! for longer campaigns by hand.

mod common;

use parlab::export::{ChartKind, ExportSet, ImageFormat, ImageOptions, render};
use parlab::profile::{ProfileError, parse_str, text_from_bytes};
use parlab::results::Results;
use serde_json::Value;
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// What a single case may take; a hang (the chart loop of issue 10) fails the test.
const CASE_LIMIT: Duration = Duration::from_secs(2);

/// A small, fast, seeded generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn seed() -> u64 {
    std::env::var("PARLAB_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5EED_1234)
}

fn scaled(cases: usize) -> usize {
    let factor: usize = std::env::var("PARLAB_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    cases * factor.max(1)
}

/// Runs `case` on its own thread; fails with `what` if it panics or outlives the limit.
fn within_limit<T: Send + 'static>(what: &str, case: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    let handle = std::thread::spawn(move || {
        let _ = tx.send(case());
    });
    match rx.recv_timeout(CASE_LIMIT) {
        Ok(value) => {
            let _ = handle.join();
            value
        }
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("{what}: still running after {CASE_LIMIT:?}")
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("{what}: panicked"),
    }
}

/// A message a user reads: no Rust `Debug` text, not empty, not enormous.
fn assert_sentence(message: &str, what: &str) {
    assert!(!message.trim().is_empty(), "{what}: empty message");
    for debug in ["Error(", "{ ", "Some(", "None", "Ok(", "Err("] {
        assert!(
            !message.contains(debug),
            "{what}: Debug text `{debug}` in: {message}"
        );
    }
    for line in message.lines() {
        assert!(
            line.chars().count() < 600,
            "{what}: a {}-character line: {}",
            line.len(),
            &line[..line.floor_char_boundary(300)]
        );
    }
}

// ---------------------------------------------------------------------------------------
// Profiles
// ---------------------------------------------------------------------------------------

fn example_profiles() -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/profiles");
    let mut texts: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .expect("example profiles")
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "toml"))
        .map(|e| std::fs::read(e.path()).expect("readable example"))
        .collect();
    texts.sort();
    assert!(texts.len() >= 5, "found the example profiles");
    texts
}

const EXTREME_NUMBERS: &[&str] = &[
    "1.7976931348623157e308",
    "1e308",
    "5e-324",
    "-1",
    "-9223372036854775808",
    "18446744073709551616",
    "99999999999999999999999",
    "nan",
    "-inf",
    "0",
    "1_000_000",
    "0x7fffffffffffffff",
    "\"ten\"",
    "[1, 2]",
    "{ a = 1 }",
    "true",
    "1979-05-27T07:32:00Z",
];

/// One mutation of `text`.
fn mutate_profile(text: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut t = text.to_vec();
    let at = rng.below(t.len() + 1);
    match rng.below(10) {
        0 => {
            if let Some(b) = t.get_mut(at) {
                *b ^= 1 << rng.below(8);
            }
        }
        1 => t.insert(at, rng.next() as u8),
        2 => {
            let end = (at + 1 + rng.below(40)).min(t.len());
            t.drain(at.min(end)..end);
        }
        3 => {
            let control = *rng.pick(&[0u8, 1, 7, 8, 0x1b, b'\r', 0x7f, 0xff, 0xc3]);
            t.insert(at, control);
        }
        4 | 5 => {
            // Replace a number with an extreme one.
            let digits: Vec<usize> = (0..t.len()).filter(|i| t[*i].is_ascii_digit()).collect();
            if !digits.is_empty() {
                let start = *rng.pick(&digits);
                let end = (start..t.len())
                    .find(|i| !t[*i].is_ascii_digit() && t[*i] != b'.')
                    .unwrap_or(t.len());
                let new = rng.pick(EXTREME_NUMBERS).as_bytes().to_vec();
                t.splice(start..end, new);
            }
        }
        6 => {
            let huge = format!("\nlabel = \"{}\"\n", "x".repeat(20_000 + rng.below(80_000)));
            t.splice(at..at, huge.into_bytes());
        }
        7 => {
            let parts = 2 + rng.below(150);
            let key = vec!["k"; parts].join(".");
            t.splice(at..at, format!("\n{key} = 1\n").into_bytes());
        }
        8 => {
            // Duplicate a line: duplicate keys, repeated tables.
            let lines: Vec<&[u8]> = text.split(|b| *b == b'\n').collect();
            let line = rng.pick(&lines).to_vec();
            t.splice(at..at, [b"\n".as_slice(), &line, b"\n"].concat());
        }
        _ => {
            let count = 1 + rng.below(5000);
            let sweep = (1..=count)
                .map(|n| (n % 8 + 1).to_string())
                .collect::<Vec<_>>();
            let new = format!("workers = [{}]", sweep.join(", "));
            let s = String::from_utf8_lossy(&t).replacen("workers = ", &format!("{new}\n#"), 1);
            t = s.into_bytes();
        }
    }
    t
}

/// Checks one profile case; true when the profile was accepted.
fn check_profile_case(bytes: Vec<u8>, what: &str) -> bool {
    let result = text_from_bytes(bytes, "fuzz.toml").and_then(|text| parse_str(&text, "fuzz.toml"));
    match result {
        Ok(profile) => {
            let plan = profile.plan();
            assert!(
                !plan.is_empty() && plan.len() <= 1000,
                "{what}: plans {}",
                plan.len()
            );
            true
        }
        Err(e) => {
            let message = e.to_string();
            assert_sentence(&message, what);
            assert!(
                message.starts_with("fuzz.toml"),
                "{what}: names the file: {message}"
            );
            if let ProfileError::Invalid { problems, .. } = &e {
                assert!(
                    problems[0].line.is_some(),
                    "{what}: the first problem has no line: {message}"
                );
            }
            false
        }
    }
}

#[test]
fn mutated_example_profiles_give_a_profile_or_a_located_sentence() {
    let examples = example_profiles();
    let mut rng = Rng::new(seed());
    let cases = scaled(3000);
    let started = Instant::now();
    let (mut accepted, mut refused) = (0, 0);
    for case in 0..cases {
        let base = rng.pick(&examples).clone();
        let mut bytes = base;
        for _ in 0..1 + rng.below(3) {
            bytes = mutate_profile(&bytes, &mut rng);
        }
        let what = format!("profile case {case} (seed {})", seed());
        let shown = what.clone();
        let ok = within_limit(&what, move || check_profile_case(bytes, &shown));
        if ok {
            accepted += 1;
        } else {
            refused += 1;
        }
    }
    eprintln!(
        "profile fuzz: {cases} cases ({accepted} accepted, {refused} refused) in {:.2?}",
        started.elapsed()
    );
    assert!(
        accepted > 0 && refused > 0,
        "the mutations reach both outcomes"
    );
}

// ---------------------------------------------------------------------------------------
// Results → charts
// ---------------------------------------------------------------------------------------

/// A valid results file measured by the real engine: a sweep (so the scaling chart has a
/// curve) with a timeline, a latency distribution and CPU samples.
fn measured_results() -> Value {
    let text = common::profile(&[common::run_table(
        "threads",
        "[1, 2]",
        "duration_s = 0.3",
        "kind = \"sleep\"\nms = 1",
    )]);
    let profile = parse_str(&text, "seed.toml").expect("valid seed profile");
    let worker = parlab::exec::WorkerCommand::new(common::parlab_bin());
    let session = parlab::exec::Session::start(profile, worker).expect("session starts");
    let results = session.wait();
    assert_eq!(results.runs.len(), 2);
    serde_json::from_str(&results.to_json()).expect("results are JSON")
}

/// Paths (JSON pointers) of every number in `v`.
fn number_paths(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Number(_) => out.push(at),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                number_paths(item, format!("{at}/{i}"), out);
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                number_paths(item, format!("{at}/{k}"), out);
            }
        }
        _ => {}
    }
}

fn extreme_value(rng: &mut Rng) -> Value {
    let numbers = [
        f64::MAX,
        -f64::MAX,
        1e308,
        1e300,
        5e-324,
        2.2e-308,
        1e-12,
        -1.0,
        -1e-300,
        0.0,
        1e12,
        1e15,
        1e18,
        4e9,
        9.007_199_254_740_993e15,
    ];
    match rng.below(12) {
        0 => Value::String("NaN".into()),
        1 => Value::Null,
        2 => serde_json::json!(u64::MAX),
        3 => serde_json::json!(i64::MIN),
        4 => Value::Array(vec![serde_json::json!(1.0); 1 + rng.below(3)]),
        _ => serde_json::json!(*rng.pick(&numbers)),
    }
}

/// One mutation of a results document; returns what it did, for a failure's message.
fn mutate_results(doc: &mut Value, paths: &[String], rng: &mut Rng) -> String {
    match rng.below(8) {
        0 => {
            // A long timeline or CPU series (within reason).
            let run = rng.below(2);
            let n = 500 + rng.below(5_000);
            if rng.below(2) == 0 {
                let points: Vec<Value> = (0..n)
                    .map(|k| {
                        serde_json::json!({"t": k as f64 * 0.01, "tasks_per_sec": (k % 97) as f64,
                            "p50_us": 10.0, "p99_us": 20.0})
                    })
                    .collect();
                doc["runs"][run]["timeline"] = Value::Array(points);
                format!("runs[{run}].timeline of {n} points")
            } else {
                let series: Vec<Value> = (0..n)
                    .map(|k| serde_json::json!((k % 100) as f64))
                    .collect();
                doc["runs"][run]["cpu"]["per_core"] = serde_json::json!([series.clone(), series]);
                format!("runs[{run}].cpu.per_core of 2 × {n} samples")
            }
        }
        1 => {
            // Many cores: the heatmap.
            let cores = 17 + rng.below(200);
            let series = vec![serde_json::json!(50.0); 8];
            doc["runs"][0]["cpu"]["per_core"] = Value::Array(vec![Value::Array(series); cores]);
            format!("runs[0].cpu.per_core of {cores} cores")
        }
        2 => {
            let label = "L".repeat(1 + rng.below(2_000));
            let run = rng.below(2);
            doc["runs"][run]["label"] = Value::String(label.clone());
            format!("runs[{run}].label of {} characters", label.len())
        }
        _ => {
            let path = rng.pick(paths).clone();
            let value = extreme_value(rng);
            let shown = value.to_string();
            if let Some(slot) = doc.pointer_mut(&path) {
                *slot = value;
            }
            format!("{path} = {}", &shown[..shown.len().min(40)])
        }
    }
}

/// Small images keep thousands of renders within seconds.
const SMALL: ImageOptions = ImageOptions {
    width: 320,
    height: 240,
    scale: 1.0,
};

/// Renders `kind` of `results` as PNG and SVG into `dir` and checks both images.
fn render_and_check(results: &Results, kind: ChartKind, dir: &Path, what: &str) {
    let set = ExportSet::from_results(results);
    let png = dir.join(format!("{}.png", kind.name()));
    let svg = dir.join(format!("{}.svg", kind.name()));
    for (format, path) in [(ImageFormat::Png, &png), (ImageFormat::Svg, &svg)] {
        if let Err(e) = render(&set, kind, format, path, SMALL) {
            assert_sentence(&e.to_string(), what);
            return;
        }
    }
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(&png).expect("png written"),
    ));
    let mut reader = decoder
        .read_info()
        .unwrap_or_else(|e| panic!("{what}: PNG: {e}"));
    let mut buf = vec![0; reader.output_buffer_size().unwrap_or(0)];
    reader
        .next_frame(&mut buf)
        .unwrap_or_else(|e| panic!("{what}: PNG frame: {e}"));
    let text = std::fs::read_to_string(&svg).expect("svg written");
    roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{what}: SVG is not XML: {e}"));
}

/// Renders every chart of the first results read from `text`, or checks the refusal.
fn check_results_case(text: String, dir: &Path, kind: ChartKind, what: &str) -> bool {
    match Results::from_json(&text, "fuzz.json") {
        Ok(results) => {
            render_and_check(&results, kind, dir, what);
            true
        }
        Err(e) => {
            let message = e.to_string();
            assert_sentence(&message, what);
            assert!(message.starts_with("fuzz.json"), "{what}: {message}");
            false
        }
    }
}

#[test]
fn results_with_extreme_numbers_are_refused_or_charted_in_time() {
    let seed_doc = measured_results();
    let mut paths = Vec::new();
    number_paths(&seed_doc, String::new(), &mut paths);
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng::new(seed() ^ 0xC4A7);
    let cases = scaled(1000);
    let kinds = [
        ChartKind::Dashboard,
        ChartKind::Latency,
        ChartKind::Scaling,
        ChartKind::Cpu,
    ];
    let started = Instant::now();
    let (mut charted, mut refused) = (0, 0);
    for case in 0..cases {
        let mut doc = seed_doc.clone();
        let done: Vec<String> = (0..1 + rng.below(3))
            .map(|_| mutate_results(&mut doc, &paths, &mut rng))
            .collect();
        let text = doc.to_string();
        let kind = *rng.pick(&kinds);
        let what = format!(
            "results case {case} (seed {}, {} chart: {})",
            seed(),
            kind.name(),
            done.join("; ")
        );
        let case_dir = dir.path().to_path_buf();
        let shown = what.clone();
        if within_limit(&what, move || {
            check_results_case(text, &case_dir, kind, &shown)
        }) {
            charted += 1;
        } else {
            refused += 1;
        }
    }
    eprintln!(
        "results fuzz: {cases} cases ({charted} charted, {refused} refused) in {:.2?}",
        started.elapsed()
    );
    assert!(
        charted > 0 && refused > 0,
        "the mutations reach both outcomes"
    );
}

/// Sets one figure of `results` (already read) to `v`, bypassing the reader's checks, as
/// the app's live runs do.
fn poke(results: &mut Results, rng: &mut Rng, v: f64) {
    let run = rng.below(results.runs.len());
    let r = &mut results.runs[run];
    match rng.below(9) {
        0 => r.throughput_per_sec = v,
        1 => r.latency_us.p99 = v,
        2 => r.cpu.interval_s = v,
        3 => {
            if let Some(p) = r.timeline.first_mut() {
                p.t = v;
            }
        }
        4 => {
            if let Some(p) = r.timeline.last_mut() {
                p.tasks_per_sec = v;
            }
        }
        5 => {
            if let Some(p) = r.timeline.first_mut() {
                p.p99_us = Some(v);
            }
        }
        6 => {
            if let Some(p) = r.latency_cdf.last_mut() {
                p[1] = v;
            }
        }
        7 => {
            r.workers = if v.is_finite() && v >= 0.0 {
                v.min(1e19) as usize
            } else {
                0
            }
        }
        _ => {
            if let Some(c) = r.cpu.per_core.first_mut().and_then(|c| c.first_mut()) {
                *c = v as f32;
            }
        }
    }
}

#[test]
fn charts_keep_their_axes_finite_whatever_the_figures() {
    let seed_doc = measured_results();
    let base: Results = Results::from_json(&seed_doc.to_string(), "seed.json").expect("valid");
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng::new(seed() ^ 0xA8E5);
    let values = [
        f64::MAX,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        -f64::MAX,
        5e-324,
        1e308,
        0.0,
        -1.0,
    ];
    let cases = scaled(300);
    let started = Instant::now();
    for case in 0..cases {
        let mut results = base.clone();
        for _ in 0..1 + rng.below(3) {
            let v = *rng.pick(&values);
            poke(&mut results, &mut rng, v);
        }
        let kind = *rng.pick(&[ChartKind::Dashboard, ChartKind::Latency, ChartKind::Scaling]);
        let what = format!("chart case {case} (seed {})", seed());
        let case_dir = dir.path().to_path_buf();
        let shown = what.clone();
        within_limit(&what, move || {
            render_and_check(&results, kind, &case_dir, &shown)
        });
    }
    eprintln!("chart fuzz: {cases} cases in {:.2?}", started.elapsed());
}
