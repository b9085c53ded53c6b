//! Bounded, weighted Levenberg–Marquardt for the USL family `X(N) = λN / (1 + σ(N−1) +
//! κN(N−1))` (Amdahl is the same curve with κ held at 0).
//!
//! Three parameters at most, so the normal equations are solved directly (Gaussian
//! elimination with partial pivoting). Bounds (λ > 0, σ ≥ 0, κ ≥ 0) are kept by projecting
//! each step onto them and by holding a parameter that sits on its bound while the gradient
//! pushes it outwards (a simple active set). Why not the `levenberg-marquardt` crate: it
//! brings `nalgebra` (not built here today: statrs is built without it) and has no bounds,
//! which would need a reparametrisation (σ = u²) that distorts the covariance at 0.

/// Parameters: `[λ, σ, κ]`.
pub type Params = [f64; 3];

/// The smallest λ allowed (λ must stay positive).
const LAMBDA_MIN: f64 = 1e-12;

/// The points to fit: worker counts, (normalised) throughputs and their weights.
#[derive(Debug, Clone)]
pub struct Data {
    /// Worker counts.
    pub n: Vec<f64>,
    /// Throughputs.
    pub y: Vec<f64>,
    /// Weights (1 / variance of each mean, or all 1).
    pub w: Vec<f64>,
}

/// The fitted parameters and what the intervals need.
#[derive(Debug, Clone)]
pub struct Solution {
    /// The parameters.
    pub p: Params,
    /// The weighted residual sum of squares.
    pub cost: f64,
    /// `(JᵀWJ)⁻¹` over the free parameters (zeros for held ones); `None` when singular.
    pub cov: Option<[[f64; 3]; 3]>,
}

/// The USL curve at `n`.
pub fn usl(n: f64, p: &Params) -> f64 {
    p[0] * n / (1.0 + p[1] * (n - 1.0) + p[2] * n * (n - 1.0))
}

/// ∂X/∂(λ, σ, κ) at `n`.
fn gradient(n: f64, p: &Params) -> Params {
    let d = 1.0 + p[1] * (n - 1.0) + p[2] * n * (n - 1.0);
    let top = p[0] * n / (d * d);
    [n / d, -top * (n - 1.0), -top * n * (n - 1.0)]
}

fn cost(data: &Data, p: &Params) -> f64 {
    (0..data.n.len())
        .map(|i| data.w[i] * (data.y[i] - usl(data.n[i], p)).powi(2))
        .sum()
}

/// `JᵀWJ` and `JᵀW r` at `p`.
fn normal(data: &Data, p: &Params) -> ([[f64; 3]; 3], Params) {
    let (mut a, mut g) = ([[0.0; 3]; 3], [0.0; 3]);
    for i in 0..data.n.len() {
        let j = gradient(data.n[i], p);
        let r = data.y[i] - usl(data.n[i], p);
        for row in 0..3 {
            g[row] += data.w[i] * j[row] * r;
            for col in 0..3 {
                a[row][col] += data.w[i] * j[row] * j[col];
            }
        }
    }
    (a, g)
}

fn project(mut p: Params) -> Params {
    p[0] = p[0].max(LAMBDA_MIN);
    p[1] = p[1].max(0.0);
    p[2] = p[2].max(0.0);
    p
}

fn at_bound(p: &Params, j: usize) -> bool {
    if j == 0 {
        p[0] <= LAMBDA_MIN
    } else {
        p[j] <= 0.0
    }
}

/// Solves `a x = b` restricted to the `active` unknowns (the others are 0); `None` when
/// singular.
fn solve(a: &[[f64; 3]; 3], b: &Params, active: [bool; 3]) -> Option<Params> {
    let idx: Vec<usize> = (0..3).filter(|&j| active[j]).collect();
    let k = idx.len();
    let mut m: Vec<Vec<f64>> = idx
        .iter()
        .map(|&r| {
            let mut row: Vec<f64> = idx.iter().map(|&c| a[r][c]).collect();
            row.push(b[r]);
            row
        })
        .collect();
    for col in 0..k {
        let pivot = (col..k).max_by(|&x, &y| m[x][col].abs().total_cmp(&m[y][col].abs()))?;
        if m[pivot][col].abs() <= 1e-300 || m[pivot][col].is_nan() {
            return None;
        }
        m.swap(col, pivot);
        let pivot_row = m[col].clone();
        for (row, values) in m.iter_mut().enumerate() {
            if row != col {
                let f = values[col] / pivot_row[col];
                for (v, p) in values.iter_mut().zip(&pivot_row).skip(col) {
                    *v -= f * p;
                }
            }
        }
    }
    let mut x = [0.0; 3];
    for (r, &j) in idx.iter().enumerate() {
        x[j] = m[r][k] / m[r][r];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

/// Fits from `start`, varying only the `free` parameters.
pub fn fit(data: &Data, start: Params, free: [bool; 3]) -> Solution {
    let mut p = project(start);
    let mut c = cost(data, &p);
    let mut mu = 1e-3;
    for _ in 0..500 {
        let (a, g) = normal(data, &p);
        let active: [bool; 3] =
            std::array::from_fn(|j| free[j] && !(at_bound(&p, j) && g[j] <= 0.0));
        if !active.contains(&true) || c == 0.0 {
            break;
        }
        let mut step = None;
        while mu < 1e16 {
            let mut damped = a;
            for (j, row) in damped.iter_mut().enumerate() {
                row[j] += mu * a[j][j].max(1e-300);
            }
            let next =
                solve(&damped, &g, active).map(|d| project(std::array::from_fn(|j| p[j] + d[j])));
            match next.map(|q| (q, cost(data, &q))) {
                Some((q, cq)) if cq < c => {
                    step = Some((q, cq));
                    mu = (mu / 3.0).max(1e-12);
                    break;
                }
                _ => mu *= 4.0,
            }
        }
        let Some((q, cq)) = step else { break };
        let done = (c - cq) <= 1e-15 * c;
        (p, c) = (q, cq);
        if done {
            break;
        }
    }
    let (a, _) = normal(data, &p);
    Solution {
        p,
        cost: c,
        cov: inverse(&a, free),
    }
}

/// `a⁻¹` over the `free` rows and columns.
fn inverse(a: &[[f64; 3]; 3], free: [bool; 3]) -> Option<[[f64; 3]; 3]> {
    let mut inv = [[0.0; 3]; 3];
    for j in (0..3).filter(|&j| free[j]) {
        let mut e = [0.0; 3];
        e[j] = 1.0;
        let col = solve(a, &e, free)?;
        for (r, row) in inv.iter_mut().enumerate() {
            row[j] = col[r];
        }
    }
    Some(inv)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(p: &Params, ns: &[f64]) -> Data {
        Data {
            n: ns.to_vec(),
            y: ns.iter().map(|&n| usl(n, p)).collect(),
            w: vec![1.0; ns.len()],
        }
    }

    #[test]
    fn exact_data_is_recovered_from_a_rough_start() {
        let truth = [1.0, 0.05, 0.002];
        let d = data(&truth, &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0]);
        let s = fit(&d, [0.5, 0.0, 0.0], [true; 3]);
        for j in 0..3 {
            assert!((s.p[j] - truth[j]).abs() < 1e-6, "{:?} vs {truth:?}", s.p);
        }
        assert!(s.cost < 1e-12);
        assert!(s.cov.is_some());
    }

    #[test]
    fn a_held_parameter_stays_put_and_bounds_hold() {
        // Super-linear data: the best σ would be negative; it stays on its bound 0.
        let d = Data {
            n: vec![1.0, 2.0, 3.0, 4.0],
            y: vec![1.0, 2.2, 3.5, 4.9],
            w: vec![1.0; 4],
        };
        let s = fit(&d, [1.0, 0.1, 0.0], [true, true, false]);
        assert_eq!(s.p[2], 0.0);
        assert_eq!(s.p[1], 0.0);
        assert!(s.p[0] > 1.0);
    }

    #[test]
    fn singular_systems_give_none() {
        let a = [[1.0, 2.0, 0.0], [2.0, 4.0, 0.0], [0.0, 0.0, 1.0]];
        assert_eq!(solve(&a, &[1.0, 1.0, 1.0], [true; 3]), None);
        assert_eq!(
            solve(&a, &[3.0, 0.0, 2.0], [true, false, true]),
            Some([3.0, 0.0, 2.0])
        );
    }
}
