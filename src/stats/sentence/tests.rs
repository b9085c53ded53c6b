use super::*;

fn ratio(ratio: f64, lo: f64, hi: f64, n: usize) -> Ratio {
    Ratio {
        ratio,
        ci_low: Some(lo),
        ci_high: Some(hi),
        n,
    }
}

fn summary(n: usize, mean: f64, half: f64) -> Summary {
    Summary {
        n,
        mean,
        sd: 0.0,
        ci_low: Some(mean - half),
        ci_high: Some(mean + half),
    }
}

#[test]
fn verdict_sentences_read_like_the_issue() {
    let faster = verdict_sentence("processes ×2", "threads ×2", &ratio(1.93, 1.88, 1.98, 5));
    assert_eq!(
        faster,
        "processes ×2 is 1.93× faster than threads ×2 (95 % CI 1.88–1.98)"
    );
    let same = verdict_sentence("pool ×2", "threads ×2", &ratio(1.0, 0.98, 1.03, 5));
    assert_eq!(
        same,
        "no significant difference between pool ×2 and threads ×2 (0.98–1.03)"
    );
    let slower = verdict_sentence("threads ×1", "threads ×2", &ratio(0.5, 0.48, 0.52, 5));
    assert_eq!(
        slower,
        "threads ×1 is 2.00× slower than threads ×2 (95 % CI 1.92–2.08)"
    );
}

#[test]
fn too_few_repetitions_say_so() {
    let two = verdict_sentence("a", "b", &ratio(1.5, 1.2, 1.8, 2));
    assert_eq!(
        two,
        "a runs at 1.50× the throughput of b (95 % CI 1.20–1.80); too few repetitions for a verdict (at least 3 needed)"
    );
    let one = Ratio {
        ratio: 1.5,
        ci_low: None,
        ci_high: None,
        n: 1,
    };
    assert!(
        verdict_sentence("a", "b", &one)
            .starts_with("a runs at 1.50× the throughput of b; too few")
    );
}

#[test]
fn labels_cannot_move_the_cursor() {
    let s = verdict_sentence("a\x1b[2J", "b\n", &ratio(1.0, 0.9, 1.1, 3));
    assert!(!s.contains('\x1b') && !s.contains('\n'), "{s}");
}

#[test]
fn intervals_get_the_decimals_they_need() {
    assert_eq!(interval(1.88, 1.98), "1.88–1.98");
    assert_eq!(interval(1.0012, 1.0034), "1.001–1.003");
    assert_eq!(interval(1.00012, 1.00034), "1.0001–1.0003");
    assert_eq!(interval(1.0, 1.0), "1.00–1.00");
    let s = verdict_sentence("a", "b", &ratio(1.002, 1.001, 1.003, 5));
    assert_eq!(s, "a is 1.002× faster than b (95 % CI 1.001–1.003)");
}

#[test]
fn compare_sentences() {
    let r = ratio(1.08, 1.05, 1.11, 5);
    assert_eq!(
        compare_sentence("t ×2", &r, 5.0),
        "t ×2: 1.08× faster than the baseline (95 % CI 1.05–1.11)"
    );
    let noise = ratio(1.0, 0.99, 1.02, 5);
    assert_eq!(
        compare_sentence("t ×2", &noise, 5.0),
        "t ×2: within noise (0.99–1.02 lies inside ±5 %)"
    );
    assert_eq!(
        compare_sentence("t ×2", &ratio(1.0, 0.93, 1.06, 5), 5.0),
        "t ×2: no change (0.93–1.06)"
    );
    let slow = compare_sentence("t ×2", &ratio(0.8, 0.75, 0.85, 5), 5.0);
    assert_eq!(
        slow,
        "t ×2: 1.25× slower than the baseline (95 % CI 1.18–1.33)"
    );
    assert!(compare_sentence("t", &ratio(0.8, 0.75, 0.85, 2), 5.0).contains("too few repetitions"));
}

#[test]
fn values_with_intervals() {
    assert_eq!(
        value_with_interval(&summary(5, 12_000.0, 200.0), "/s"),
        "12.0k ± 0.2k/s"
    );
    assert_eq!(
        value_with_interval(&summary(5, 12_000.0, 50.0), "/s"),
        "12.00k ± 0.05k/s"
    );
    assert_eq!(
        value_with_interval(&summary(5, 850.0, 12.0), " µs"),
        "850 ± 12 µs"
    );
    assert_eq!(
        value_with_interval(&summary(5, 2.5e6, 3e4), "/s"),
        "2.50M ± 0.03M/s"
    );
    assert_eq!(
        value_with_interval(&summary(5, 3.2, 0.0), " µs"),
        "3.20 ± 0.00 µs"
    );
    assert_eq!(
        value_with_interval(&summary(5, 12_000.0, 1e-9), "/s"),
        "12.0000k ± 0.0000k/s"
    );
    let one = Summary::of(&[12_000.0]).unwrap();
    assert_eq!(value_with_interval(&one, "/s"), "12.0k/s");
}
