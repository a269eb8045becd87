//! One value per capability against an independent hand derivation.

use npscore::*;

fn near(what: &str, got: f64, want: f64, tol: f64) {
    assert!(
        (got - want).abs() <= tol,
        "{what} = {got:.12}, want {want:.12} (tol {tol:e})"
    );
}

/// The 97.5% normal quantile.
const Z: f64 = 1.959963984540054;

/// {9, 10, 7, 3, 9, 6, 10, 8}: 2 detractors, 2 passives, 4 promoters, so
/// NPS = 100 (4 - 2) / 8 = 25, V = (p + d) - (p - d)^2 = 0.6875 and the Wald
/// SE 100 sqrt(V / 8).
#[test]
fn nps_summary() {
    let opts = NpsOptions {
        method: IntervalMethod::Wald,
        ..Default::default()
    };
    let s = summarize(&[9u8, 10, 7, 3, 9, 6, 10, 8], None, Some(&opts)).unwrap();
    assert_eq!(
        (s.n, s.detractors, s.passives, s.promoters),
        (8.0, 2.0, 2.0, 4.0)
    );
    let se = 100.0 * (0.6875f64 / 8.0).sqrt();
    near("nps", s.nps, 25.0, 1e-12);
    near("se", s.se, se, 1e-12);
    near("ci_low", s.ci_low, 25.0 - Z * se, 1e-9);
    near("ci_high", s.ci_high, 25.0 + Z * se, 1e-9);
    // The R package NPS's unit tests: counts (1, 2, 3) give NPS 1/3 and SE
    // 0.3042903097 on the -1..1 scale.
    let c = Counts {
        detractors: 1,
        passives: 2,
        promoters: 3,
        skipped: 0,
    };
    let s = summarize_counts(&c, Some(&opts)).unwrap();
    near("nps(1,2,3)", s.nps, 100.0 / 3.0, 1e-12);
    near("se(1,2,3)", s.se, 30.42903097, 1e-8);
    assert_eq!(
        segment(&[0.0f32, 6.0, 7.0, 8.0, 9.0, 10.0], None).unwrap(),
        [-1, -1, 0, 0, 1, 1]
    );
}

/// Period 0 holds 10, 10, 10, 0: n = 4, NPS 50, promoter share 3/4 with its
/// Wilson interval; period 1 is empty; a row with period -1 is left out.
#[test]
fn health_table() {
    let t = HealthTable::new(
        &[10i64, 10, 10, 0, 5],
        &[0, 0, 0, 0, -1],
        2,
        None,
        None,
        None,
    )
    .unwrap();
    assert_eq!(t.len(), 2);
    let r = t.row(0).unwrap();
    assert_eq!((r.n, r.promoters, r.passives, r.detractors), (4, 3, 0, 1));
    near("nps", r.nps, 50.0, 1e-12);
    near("share_promoters", r.share_promoters, 0.75, 1e-15);
    let (n, p) = (4.0, 0.75);
    let center = (p + Z * Z / (2.0 * n)) / (1.0 + Z * Z / n);
    let half = Z / (1.0 + Z * Z / n) * (p * (1.0 - p) / n + Z * Z / (4.0 * n * n)).sqrt();
    near("wilson low", r.share_promoters_low, center - half, 1e-12);
    near("wilson high", r.share_promoters_high, center + half, 1e-12);
    assert_ne!(r.flags & FLAG_LOW_N, 0, "4 responses are too few to judge");
    let h = t.histogram(0).unwrap();
    assert_eq!((h.len(), h[0], h[10]), (11, 1, 3));
    let empty = t.row(1).unwrap();
    assert!(empty.n == 0 && empty.nps.is_nan());
}

/// With one 0/1 feature and no penalty, the logistic MLE fits each group's
/// rate: group 0 churns 1 of 4, group 1 3 of 5, so intercept = ln(1/3) and
/// coefficient = logit(3/5) - logit(1/4) = ln(4.5).
#[test]
fn churn_fit_and_prior() {
    let x = [0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0];
    let y = [1.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0];
    let opts = ChurnFitOptions {
        c: f64::INFINITY,
        ..Default::default()
    };
    let m = ChurnModel::fit(
        &Matrix::row_major(&x, 9, 1),
        &y,
        None,
        Some(&["detractor"]),
        Some(&opts),
    )
    .unwrap();
    let (coef, intercept) = m.coef().unwrap();
    near("intercept", intercept, (1.0f64 / 3.0).ln(), 1e-7);
    near("coef", coef[0], 4.5f64.ln(), 1e-7);
    let p = m.predict(&Matrix::row_major(&[0.0, 1.0], 2, 1)).unwrap();
    near("p0", p[0], 0.25, 1e-8);
    near("p1", p[1], 0.6, 1e-8);
    assert_eq!(m.info().unwrap().converged, 1);
    // The prior at 180 days under a constant hazard: 40% in 90 days becomes
    // 1 - 0.6^2 = 64%, the 5% baseline 1 - 0.95^2; promoters' 9% is a
    // 180-day rate already.
    let prior = ChurnModel::prior(180.0, None).unwrap();
    let rows = [1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0];
    let p = prior.predict(&Matrix::row_major(&rows, 3, 4)).unwrap();
    near("prior detractor", p[0], 0.64, 1e-12);
    near("prior promoter", p[1], 0.09, 1e-12);
    near("prior baseline", p[2], 1.0 - 0.95 * 0.95, 1e-12);
    assert_eq!(ChurnPriorOptions::default().detractor_rate, 0.40);
}

/// Without times, priority = risk x CLV: rows 1 (200), 0 (50), 2 (45), 3
/// (30); owners with capacities (2, 1) take entries in queue order, the one
/// with the most left first (first listed on ties): 0, 0, 1, none.
#[test]
fn contact_queue() {
    let input = QueueInput {
        churn_risk: &[0.5, 0.2, 0.9, 0.1],
        clv: &[100.0, 1000.0, 50.0, 300.0],
        segment: Some(&[-1, -1, -1, -1]),
        capacities: Some(&[2, 1]),
        ..Default::default()
    };
    let q = PriorityQueue::new(&input, None).unwrap();
    let cases = q.cases().unwrap();
    let want = [(1, 200.0, 0), (0, 50.0, 0), (2, 45.0, 1), (3, 30.0, -1)];
    assert_eq!(cases.len(), 4);
    for (c, (row, priority, owner)) in cases.iter().zip(want) {
        assert_eq!((c.row, c.owner, c.segment), (row, owner, -1));
        near("priority", c.priority, priority, 1e-9);
    }
    near(
        "total at risk",
        q.totals().unwrap().revenue_at_risk,
        325.0,
        1e-9,
    );
    // The default curve at its anchors (docs/sources.md section 5).
    let r = recoverability(&[1.0, 24.0, 72.0], None).unwrap();
    near("r(1)", r[0], 0.65, 1e-15);
    near("r(24)", r[1], 0.40, 1e-15);
    near("r(72)", r[2], 0.10, 1e-15);
    assert_eq!(play_name(-1).unwrap(), "recover");
}
