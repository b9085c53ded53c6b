#!/usr/bin/env python3
"""Reference values for the unit tests of src/stats/ (issue 13), computed independently of
the Rust code: means and standard deviations with Python's `statistics`, Student-t quantiles
with mpmath (arbitrary precision: the regularised incomplete beta function, inverted with
`findroot`). scipy is not needed. Run: python3 tools/stats-reference.py
"""

import math
import statistics

import mpmath

mpmath.mp.dps = 30


def t_cdf(t, df):
    """P(T <= t) for Student's t with df degrees of freedom (t >= 0)."""
    x = df / (df + t * t)
    return 1 - mpmath.betainc(df / 2, 0.5, 0, x, regularized=True) / 2


def t_quantile(p, df):
    return float(mpmath.findroot(lambda t: t_cdf(t, df) - p, 2.0))


def t_interval(xs):
    n, m, sd = len(xs), statistics.mean(xs), statistics.stdev(xs)
    h = t_quantile(0.975, n - 1) * sd / math.sqrt(n)
    return m, sd, m - h, m + h


def welch(a, b):
    la, lb = [math.log(x) for x in a], [math.log(x) for x in b]
    va, vb = statistics.variance(la) / len(a), statistics.variance(lb) / len(b)
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    d = statistics.mean(la) - statistics.mean(lb)
    h = t_quantile(0.975, df) * math.sqrt(va + vb)
    return df, math.exp(d), math.exp(d - h), math.exp(d + h)


def modified_z(xs):
    med = statistics.median(xs)
    mad = statistics.median([abs(x - med) for x in xs])
    return [(x - med) / mad for x in xs]


XS = [10.2, 9.8, 10.5, 10.1, 9.9]
A = [20.1, 19.5, 20.8, 20.3, 19.9]
A6 = [20.1, 19.5, 20.8, 20.3, 19.9, 21.0]
B4 = [10.2, 9.8, 10.5, 10.1]

for df in (1, 2, 4, 9, 7.5, 1000, 10000):
    print(f"t(0.975, {df}) = {t_quantile(0.975, df)!r}")
print("summary(XS) mean, sd, ci_low, ci_high =", t_interval(XS))
m, sd, lo, hi = t_interval([math.log(a / b) for a, b in zip(A, XS)])
print("paired(A, XS) ratio, ci_low, ci_high =", (math.exp(m), math.exp(lo), math.exp(hi)))
print("welch(A6, B4) df, ratio, ci_low, ci_high =", welch(A6, B4))
print("modified_z([0.5, 0.30, 0.29, 0.31, 0.30]) =", modified_z([0.5, 0.30, 0.29, 0.31, 0.30]))
print("modified_z([12.0, 11.8, 12.1, 7.0, 11.9]) =", modified_z([12.0, 11.8, 12.1, 7.0, 11.9]))
