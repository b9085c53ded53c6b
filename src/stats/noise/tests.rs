use super::*;

fn count_outliers(xs: &[f64]) -> usize {
    let scores = modified_zscores(xs);
    scores
        .iter()
        .filter(|s| s.abs() > OUTLIER_THRESHOLD)
        .count()
}

#[test]
fn modified_zscores_match_python() {
    // Reference: tools/stats-reference.py (statistics.median of the values and of the
    // absolute deviations).
    let cases: [(&[f64], &[f64]); 2] = [
        (&[0.5, 0.30, 0.29, 0.31, 0.30], &[20.0, 0.0, -1.0, 1.0, 0.0]),
        (
            &[12.0, 11.8, 12.1, 7.0, 11.9],
            &[1.0, -1.0, 2.0, -49.0, 0.0],
        ),
    ];
    for (xs, want) in cases {
        let got = modified_zscores(xs);
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 1e-9, "{xs:?}: {got:?}");
        }
    }
    assert!(modified_zscores(&[]).is_empty());
}

#[test]
fn outlier_counts_agree_with_hyperfine_tests() {
    // The cases of hyperfine's `test_detect_outliers` and `..._if_mad_becomes_0`.
    assert_eq!(count_outliers(&[50.0]), 0);
    assert_eq!(count_outliers(&[1000.0, 0.0]), 0);
    assert_eq!(count_outliers(&[-0.2, 0.0, 0.2]), 0);
    assert_eq!(count_outliers(&[-0.2, 0.0, 0.2, 4.0]), 1);
    assert_eq!(count_outliers(&[0.5, 0.30, 0.29, 0.31, 0.30]), 1);
    let normal = [
        2.33269488,
        1.42195907,
        -0.57527698,
        -0.31293437,
        2.2948158,
        0.75813273,
        -1.0712388,
        -0.96394741,
        -1.15897446,
        1.10976285,
    ];
    assert_eq!(count_outliers(&normal), 0);
    assert_eq!(
        count_outliers(&[normal.as_slice(), &[20.0, -500.0]].concat()),
        2
    );
    assert_eq!(
        count_outliers(&[10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 100.0]),
        1
    );
    assert_eq!(
        count_outliers(&[10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 100.0, 100.0]),
        2
    );
}

#[test]
fn outlier_sentence_names_the_repetitions() {
    let one = outliers(&[12_000.0, 11_800.0, 12_100.0, 7_000.0, 11_900.0]).unwrap();
    assert!(
        one.starts_with("repetition 4 of 5 is an outlier: 7000/s against a median of 11.9k/s"),
        "{one}"
    );
    assert!(
        one.contains("±14.8") && one.contains("quiet machine"),
        "{one}"
    );
    let two = outliers(&[100.0, 100.0, 100.0, 100.0, 30.0, 300.0]).unwrap();
    assert!(
        two.starts_with("repetitions 5 and 6 of 6 are outliers: 30.0/s and 300/s"),
        "{two}"
    );
    assert_eq!(outliers(&[100.0, 101.0, 99.0, 100.5]), None);
    assert_eq!(
        outliers(&[1.0, 100.0]),
        None,
        "two repetitions cannot name an outlier"
    );
    assert_eq!(outliers(&[100.0, f64::NAN, 100.0, 30.0]), None);
}

#[test]
fn spread_warns_above_five_percent() {
    let noisy = spread(&[100.0, 110.0, 90.0, 105.0, 95.0]).unwrap();
    // statistics.stdev([100, 110, 90, 105, 95]) = 7.905694150420948; / mean 100.
    assert!(
        noisy.starts_with("throughput varies by 7.9 % between repetitions"),
        "{noisy}"
    );
    assert_eq!(spread(&[100.0, 101.0, 99.0, 100.5, 99.5]), None);
    assert_eq!(spread(&[100.0]), None);
    assert_eq!(spread(&[100.0, f64::NAN]), None);
    assert_eq!(spread(&[0.0, 0.0, 0.0]), None, "no mean to divide by");
}

#[test]
fn warm_up_means_ten_percent_below_and_slowest() {
    let w = warm_up(&[80.0, 100.0, 101.0, 99.0, 100.0]).unwrap();
    assert!(w.starts_with("the first repetition was 20 % slower than the median of the others (80.0/s against 100/s)"), "{w}");
    assert!(w.contains("warmup_tasks"), "{w}");
    assert_eq!(
        warm_up(&[95.0, 100.0, 101.0, 99.0]),
        None,
        "5 % is not much"
    );
    assert_eq!(warm_up(&[85.0, 100.0, 80.0, 99.0]), None, "not the slowest");
    assert_eq!(warm_up(&[50.0, 100.0]), None, "needs three");
    // hyperfine's rule alone: 3 % slower, but 30 MADs below a tight median.
    assert!(warm_up(&[97.0, 100.0, 100.1, 99.9, 100.0]).is_some());
}

#[test]
fn overhead_warns_below_ten_times() {
    let w = overhead(3.2, 1.1).unwrap();
    assert!(w.starts_with("tasks take 3.20 µs on average, less than 10× this model's own overhead per task (1.10 µs)"), "{w}");
    assert_eq!(overhead(11.0, 1.1), None);
    assert_eq!(overhead(f64::NAN, 1.0), None);
    assert_eq!(overhead(5.0, 0.0), None);
    assert_eq!(overhead(5.0, -1.0), None);
}

#[test]
fn warnings_report_a_slow_first_repetition_once() {
    let all = warnings(&[60.0, 100.0, 101.0, 99.0, 100.0]);
    assert_eq!(all.len(), 2, "{all:?}");
    assert!(
        all[0].starts_with("throughput varies") && all[1].starts_with("the first repetition"),
        "{all:?}"
    );
    let later = warnings(&[100.0, 101.0, 60.0, 99.0, 100.0]);
    assert!(
        later[0].starts_with("repetition 3 of 5 is an outlier"),
        "{later:?}"
    );
    assert!(warnings(&[100.0, 101.0, 99.0, 100.0]).is_empty());
    assert!(warnings(&[]).is_empty() && warnings(&[f64::NAN; 5]).is_empty());
}

#[test]
fn a_tiny_difference_is_not_an_outlier_even_when_the_mad_is_tinier() {
    // With three repetitions the MAD is the smaller of two distances: 0.7 % off scores 20.
    let close = [26_900.0, 26_910.0, 26_700.0];
    assert!(modified_zscores(&close)[2].abs() > OUTLIER_THRESHOLD);
    assert_eq!(outliers(&close), None);
    let far = [26_900.0, 26_910.0, 20_000.0];
    assert!(outliers(&far).is_some_and(|w| w.starts_with("repetition 3 of 3 is an outlier")));
}
