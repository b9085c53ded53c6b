use super::*;

const XS: [f64; 5] = [10.2, 9.8, 10.5, 10.1, 9.9];
const A: [f64; 5] = [20.1, 19.5, 20.8, 20.3, 19.9];

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9
}

fn fixed(ratio: f64, lo: f64, hi: f64, n: usize) -> Ratio {
    Ratio {
        ratio,
        ci_low: Some(lo),
        ci_high: Some(hi),
        n,
    }
}

#[test]
fn paired_log_ratio_matches_python() {
    // Reference: tools/stats-reference.py: exp of the t interval (statistics.mean/stdev,
    // t(0.975, 4) = 2.7764451 from mpmath) of ln(A[i]/XS[i]).
    let r = ratio(&A, &XS, Pairing::Paired).unwrap();
    assert_eq!(r.n, 5);
    assert!(close(r.ratio, 1.9922058022341969), "{r:?}");
    assert!(close(r.ci_low.unwrap(), 1.9705215338399564), "{r:?}");
    assert!(close(r.ci_high.unwrap(), 2.014128691464454), "{r:?}");
    assert_eq!(r.verdict(), Some(Verdict::Faster));
}

#[test]
fn welch_log_ratio_matches_python() {
    // Reference: tools/stats-reference.py: Welch on ln values, ν = 6.439869565879063
    // (Welch–Satterthwaite), t(0.975, ν) from mpmath.
    let a = [20.1, 19.5, 20.8, 20.3, 19.9, 21.0];
    let b = [10.2, 9.8, 10.5, 10.1];
    let r = ratio(&a, &b, Pairing::Unpaired).unwrap();
    assert_eq!(r.n, 4);
    assert!(close(r.ratio, 1.9966847703996033), "{r:?}");
    assert!(close(r.ci_low.unwrap(), 1.9112568967753087), "{r:?}");
    assert!(close(r.ci_high.unwrap(), 2.0859310326477827), "{r:?}");
    let back = ratio(&b, &a, Pairing::Unpaired).unwrap();
    assert!(
        close(back.ratio, 1.0 / r.ratio) && close(back.ci_low.unwrap(), 1.0 / r.ci_high.unwrap())
    );
    assert_eq!(back.verdict(), Some(Verdict::Slower));
}

#[test]
fn impossible_samples_give_no_ratio_and_no_panic() {
    for pairing in [Pairing::Paired, Pairing::Unpaired] {
        assert_eq!(ratio(&[], &XS, pairing), None);
        assert_eq!(ratio(&XS, &[], pairing), None);
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            let mut a = A;
            a[2] = bad;
            assert_eq!(ratio(&a, &XS, pairing), None, "{bad} {pairing:?}");
            assert_eq!(ratio(&XS, &a, pairing), None, "{bad} {pairing:?}");
        }
        // Overflow of the ratio itself.
        assert_eq!(
            ratio(&[f64::MAX; 3], &[f64::MIN_POSITIVE; 3], pairing),
            None
        );
    }
    assert_eq!(
        ratio(&A, &XS[..4], Pairing::Paired),
        None,
        "rounds must match"
    );
}

#[test]
fn small_samples_give_a_ratio_but_no_verdict() {
    let one = ratio(&[4.0], &[2.0], Pairing::Unpaired).unwrap();
    assert_eq!((one.ratio, one.ci_low, one.n), (2.0, None, 1));
    assert_eq!(one.verdict(), None);
    let one_side = ratio(&[4.0], &[2.0, 2.1, 1.9], Pairing::Unpaired).unwrap();
    assert_eq!((one_side.ci_low, one_side.verdict()), (None, None));
    let two = ratio(&[4.0, 4.1], &[2.0, 2.1], Pairing::Paired).unwrap();
    assert!(two.ci_low.is_some() && two.verdict().is_none(), "{two:?}");
    assert_eq!(two.against_threshold(5.0), None);
    assert!(!fixed(0.5, 0.4, 0.6, 2).is_regression(5.0));
}

#[test]
fn equal_samples_give_a_point_interval() {
    for pairing in [Pairing::Paired, Pairing::Unpaired] {
        let same = ratio(&[3.0; 4], &[3.0; 4], pairing).unwrap();
        assert_eq!(
            (same.ratio, same.ci_low, same.ci_high),
            (1.0, Some(1.0), Some(1.0))
        );
        assert_eq!(same.verdict(), Some(Verdict::NoSignificantDifference));
        let double = ratio(&[6.0; 4], &[3.0; 4], pairing).unwrap();
        assert!(close(double.ci_low.unwrap(), 2.0) && close(double.ci_high.unwrap(), 2.0));
        assert_eq!(double.verdict(), Some(Verdict::Faster));
    }
    // One flat side: Welch's ν is then (nb − 1) and the interval still exists.
    let r = ratio(&[3.0; 4], &[2.9, 3.0, 3.1, 3.0], Pairing::Unpaired).unwrap();
    assert!(r.ci_low.unwrap() < 1.0 && r.ci_high.unwrap() > 1.0, "{r:?}");
}

#[test]
fn verdicts_follow_the_interval() {
    assert_eq!(fixed(1.1, 1.01, 1.2, 3).verdict(), Some(Verdict::Faster));
    assert_eq!(fixed(0.9, 0.8, 0.99, 3).verdict(), Some(Verdict::Slower));
    assert_eq!(
        fixed(1.0, 0.98, 1.03, 3).verdict(),
        Some(Verdict::NoSignificantDifference)
    );
    assert_eq!(fixed(1.1, 1.01, 1.2, 2).verdict(), None);
}

#[test]
fn threshold_verdicts() {
    use CompareVerdict::*;
    assert_eq!(
        fixed(1.0, 0.98, 1.03, 5).against_threshold(5.0),
        Some(WithinNoise)
    );
    // Significant but small: within noise wins (criterion.rs does the same).
    assert_eq!(
        fixed(1.02, 1.01, 1.03, 5).against_threshold(5.0),
        Some(WithinNoise)
    );
    assert_eq!(
        fixed(1.0, 0.9, 1.1, 5).against_threshold(5.0),
        Some(NoChange)
    );
    assert_eq!(
        fixed(1.1, 1.04, 1.16, 5).against_threshold(5.0),
        Some(Faster)
    );
    assert_eq!(
        fixed(0.9, 0.85, 0.97, 5).against_threshold(5.0),
        Some(Slower)
    );
    assert_eq!(
        fixed(1.0, 0.99, 1.01, 5).against_threshold(0.0),
        Some(NoChange)
    );
    assert_eq!(fixed(1.0, 0.99, 1.01, 5).against_threshold(-1.0), None);
    assert_eq!(fixed(1.0, 0.99, 1.01, 5).against_threshold(f64::NAN), None);
}

#[test]
fn regression_needs_the_whole_interval_past_the_threshold() {
    assert!(fixed(0.9, 0.85, 0.94, 5).is_regression(5.0));
    assert!(
        !fixed(0.9, 0.85, 0.96, 5).is_regression(5.0),
        "may be a 4 % slowdown"
    );
    assert!(!fixed(1.1, 1.05, 1.15, 5).is_regression(5.0));
    assert!(!fixed(0.9, 0.85, 0.94, 5).is_regression(f64::NAN));
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap()
}

#[test]
fn serialised_words() {
    assert_eq!(
        json(&Verdict::NoSignificantDifference),
        r#""no significant difference""#
    );
    assert_eq!(json(&Verdict::Faster), r#""faster""#);
    assert_eq!(json(&CompareVerdict::WithinNoise), r#""within noise""#);
    assert_eq!(json(&CompareVerdict::NoChange), r#""no change""#);
    assert_eq!(json(&Pairing::Paired), r#""paired""#);
    for v in [
        Verdict::Faster,
        Verdict::Slower,
        Verdict::NoSignificantDifference,
    ] {
        assert_eq!(format!("\"{v}\""), json(&v));
        assert_eq!(serde_json::from_str::<Verdict>(&json(&v)).unwrap(), v);
    }
    for v in [
        CompareVerdict::Faster,
        CompareVerdict::Slower,
        CompareVerdict::NoChange,
    ] {
        assert_eq!(format!("\"{v}\""), json(&v));
        assert_eq!(
            serde_json::from_str::<CompareVerdict>(&json(&v)).unwrap(),
            v
        );
    }
}
