//! The golden vectors of tests/capi/golden_vectors.c: fixed inputs and the C
//! library's results on them. These tests compute the same results through
//! this crate and compare every number exactly (both run the same core).
//! NPSCORE_GOLDEN names the file (scripts/test-bindings.sh writes it);
//! without it they pass without checking anything and say so.

use std::collections::HashMap;

use npscore::*;

struct Golden {
    nums: HashMap<String, Vec<String>>,
    texts: HashMap<String, String>,
}

/// A field of a result struct, as golden_vectors.c writes it.
#[derive(Clone, Copy, Debug)]
enum Num {
    I(i64),
    F(f64),
}

trait ToNum {
    fn num(self) -> Num;
}
macro_rules! ints { ($($t:ty),*) => {$( impl ToNum for $t { fn num(self) -> Num { Num::I(self as i64) } } )*}; }
ints!(i8, i32, i64, u32, usize);
impl ToNum for f64 {
    fn num(self) -> Num {
        Num::F(self)
    }
}

/// The fields of a struct in declaration order.
macro_rules! fields {
    ($v:expr; $($f:ident),*) => { [$( ($v).$f.num() ),*] };
}

fn load() -> Option<Golden> {
    let path = match std::env::var("NPSCORE_GOLDEN") {
        Ok(p) => p,
        Err(_) => {
            eprintln!("NPSCORE_GOLDEN is not set: golden vectors not compared");
            return None;
        }
    };
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut g = Golden {
        nums: HashMap::new(),
        texts: HashMap::new(),
    };
    for line in text.lines() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line.strip_prefix('$') {
            let (name, value) = rest.split_once(' ').unwrap_or((rest, ""));
            g.texts.insert(name.to_string(), value.to_string());
        } else {
            let mut it = line.split_whitespace();
            let name = it.next().unwrap().to_string();
            g.nums.insert(name, it.map(str::to_string).collect());
        }
    }
    Some(g)
}

fn parse_f64(s: &str) -> f64 {
    match s {
        "nan" => f64::NAN,
        "inf" => f64::INFINITY,
        "-inf" => f64::NEG_INFINITY,
        _ => s.parse().unwrap_or_else(|e| panic!("{s:?}: {e}")),
    }
}

fn same(a: f64, b: f64) -> bool {
    a == b || (a.is_nan() && b.is_nan())
}

impl Golden {
    fn tokens(&self, name: &str) -> &[String] {
        self.nums
            .get(name)
            .unwrap_or_else(|| panic!("golden vectors lack {name}"))
    }
    fn f64s(&self, name: &str) -> Vec<f64> {
        self.tokens(name).iter().map(|s| parse_f64(s)).collect()
    }
    fn i64s(&self, name: &str) -> Vec<i64> {
        self.tokens(name)
            .iter()
            .map(|s| s.parse().unwrap())
            .collect()
    }
    fn text(&self, name: &str) -> &str {
        self.texts
            .get(name)
            .unwrap_or_else(|| panic!("golden vectors lack ${name}"))
    }
    fn expect(&self, name: &str, got: &[Num]) {
        let want = self.tokens(name);
        assert_eq!(got.len(), want.len(), "{name}: field count");
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            match *g {
                Num::I(v) => assert_eq!(v, w.parse::<i64>().unwrap(), "{name} field {i}"),
                Num::F(v) => assert!(
                    same(v, parse_f64(w)),
                    "{name} field {i}: got {v:e}, C gives {w}"
                ),
            }
        }
    }
    fn expect_f64s(&self, name: &str, got: &[f64]) {
        self.expect(name, &got.iter().map(|v| Num::F(*v)).collect::<Vec<_>>());
    }
}

fn summary_fields(s: &Summary) -> Vec<Num> {
    fields!(s; n, detractors, passives, promoters, n_effective, skipped, nps, se, ci_low, ci_high,
            method, confidence)
    .to_vec()
}

fn summarize_as<T: Score>(
    g: &Golden,
    scores: &[i64],
    weights: Option<&[f64]>,
    name: &str,
    conv: impl Fn(i64) -> T,
) {
    let s: Vec<T> = scores.iter().map(|&v| conv(v)).collect();
    let got = summarize(&s, weights, None).unwrap();
    g.expect(name, &summary_fields(&got));
}

#[test]
fn golden_nps() {
    let Some(g) = load() else { return };
    let scores = g.i64s("in.nps.scores");
    let weights = g.f64s("in.nps.weights");
    for (name, w) in [
        ("out.nps.summary", None),
        ("out.nps.summary_weighted", Some(&weights[..])),
    ] {
        summarize_as(&g, &scores, w, name, |v| v as i32);
        summarize_as(&g, &scores, w, name, |v| v as f64);
        summarize_as(&g, &scores, w, name, |v| v as f32);
        summarize_as(&g, &scores, w, name, |v| v as i8);
        summarize_as(&g, &scores, w, name, |v| v as i16);
        summarize_as(&g, &scores, w, name, |v| v);
        summarize_as(&g, &scores, w, name, |v| v as isize);
        summarize_as(&g, &scores, w, name, |v| v as u8);
        summarize_as(&g, &scores, w, name, |v| v as u16);
        summarize_as(&g, &scores, w, name, |v| v as u32);
        summarize_as(&g, &scores, w, name, |v| v as u64);
        summarize_as(&g, &scores, w, name, |v| v as usize);
    }
    let c = count(&scores, None).unwrap();
    g.expect(
        "out.nps.counts",
        &fields!(c; detractors, passives, promoters, skipped),
    );

    let opts = NpsOptions {
        method: IntervalMethod::Score,
        confidence: 0.90,
        ..Default::default()
    };
    let s90 = summarize(&scores, None, Some(&opts)).unwrap();
    g.expect("out.nps.summary_score90", &summary_fields(&s90));

    let a = summarize(&scores[..500], None, None).unwrap();
    let b = summarize(&scores[500..], None, None).unwrap();
    let c = compare(&a, &b, None).unwrap();
    g.expect(
        "out.nps.compare",
        &fields!(c; diff, se, z, p_value, ci_low, ci_high, method, confidence),
    );
}

#[test]
fn golden_health() {
    let Some(g) = load() else { return };
    let scores: Vec<i32> = g
        .i64s("in.health.scores")
        .iter()
        .map(|&v| v as i32)
        .collect();
    let times = g.i64s("in.health.times");
    let slices = g.i64s("in.health.slices");
    let (lo, hi) = (*times.iter().min().unwrap(), *times.iter().max().unwrap());
    let grid = PeriodGrid::new(lo, hi, Frequency::Month, "UTC").unwrap();
    assert_eq!(grid.len() as i64, g.i64s("out.health.grid.size")[0]);
    for i in 0..grid.len() {
        let p = grid.period(i).unwrap();
        g.expect(
            &format!("out.health.grid.{i}"),
            &[Num::I(p.start), Num::I(p.end)],
        );
        assert_eq!(p.label, g.text(&format!("out.health.grid.label.{i}")));
    }
    let periods = grid.assign(&times, false).unwrap();
    let want: Vec<i32> = g
        .i64s("out.health.periods")
        .iter()
        .map(|&v| v as i32)
        .collect();
    assert_eq!(periods, want);
    let table = HealthTable::new(
        &scores,
        &periods,
        grid.len(),
        Some((&slices, 2)),
        None,
        None,
    )
    .unwrap();
    assert_eq!(table.len() as i64, g.i64s("out.health.table.size")[0]);
    let mut flagged = 0;
    for (i, r) in table.rows().unwrap().iter().enumerate() {
        g.expect(
            &format!("out.health.row.{i}"),
            &fields!(r; slice, period, n, detractors, passives,
            promoters, skipped, share_detractors, share_detractors_low, share_detractors_high,
            share_passives, share_passives_low, share_passives_high, share_promoters,
            share_promoters_low, share_promoters_high, nps, se, ci_low, ci_high, nps_change,
            change_se, change_p, change_p_adjusted, detractor_change, detractor_change_p_adjusted,
            promoter_change, promoter_change_p_adjusted, passive_trend, passive_trend_p_adjusted,
            nps_trend, flags),
        );
        assert_eq!(
            table.reasons(i).unwrap(),
            g.text(&format!("out.health.reasons.{i}"))
        );
        assert_eq!(
            table.histogram(i).unwrap(),
            &g.i64s(&format!("out.health.histogram.{i}"))[..]
        );
        flagged += (r.flags != 0) as usize;
    }
    assert!(
        flagged > 0,
        "the golden data should raise flags (slice 1 loses promoters)"
    );

    // Whole columns through the Arrow C Data Interface equal the row getters.
    let rows = table.rows().unwrap();
    let nps = table.f64_column("nps").unwrap();
    let low = table.f64_column("share_passives_low").unwrap();
    let change_p = table.f64_column("change_p_adjusted").unwrap();
    let n = table.i64_column("n").unwrap();
    let slice = table.i64_column("slice").unwrap();
    let period = table.i64_column("period").unwrap();
    assert_eq!(nps.len(), rows.len());
    for (i, r) in rows.iter().enumerate() {
        assert!(
            same(nps[i], r.nps) && same(low[i], r.share_passives_low),
            "row {i}"
        );
        assert!(same(change_p[i], r.change_p_adjusted), "row {i}");
        assert_eq!(
            (n[i], slice[i], period[i]),
            (r.n, r.slice, r.period),
            "row {i}"
        );
    }
    assert_eq!(
        table.f64_column("flags").unwrap_err().status(),
        Status::Invalid
    );
    assert_eq!(
        table.i64_column("no_such_column").unwrap_err().status(),
        Status::Invalid
    );
}

#[test]
fn golden_churn() {
    let Some(g) = load() else { return };
    let x = g.f64s("in.churn.x");
    let y = g.f64s("in.churn.y");
    let names: Vec<&str> = (0..3)
        .map(|j| g.text(&format!("in.churn.name.{j}")))
        .collect();
    let m = Matrix::row_major(&x, y.len(), 3);
    let model = ChurnModel::fit(&m, &y, None, Some(&names), None).unwrap();
    let (coef, intercept) = model.coef().unwrap();
    g.expect_f64s("out.churn.coef", &coef);
    g.expect_f64s("out.churn.intercept", &[intercept]);
    let info = model.info().unwrap();
    g.expect(
        "out.churn.info",
        &fields!(info; n_iter, converged, grad_norm, objective, n_warnings,
                                       is_prior, horizon_days),
    );
    g.expect_f64s("out.churn.predict", &model.predict(&m).unwrap());
    assert_eq!(model.feature_names().unwrap(), names);

    // Column-major input, and a saved and loaded model, predict the same.
    let mut cm = vec![0.0; x.len()];
    for i in 0..y.len() {
        for j in 0..3 {
            cm[j * y.len() + i] = x[i * 3 + j];
        }
    }
    g.expect_f64s(
        "out.churn.predict",
        &model.predict(&Matrix::col_major(&cm, y.len(), 3)).unwrap(),
    );
    let dir = std::env::temp_dir().join(format!("npscore-rust-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("churn.model");
    model.save(&path).unwrap();
    let loaded = ChurnModel::load(&path).unwrap();
    g.expect_f64s("out.churn.predict", &loaded.predict(&m).unwrap());
    std::fs::remove_dir_all(&dir).unwrap();

    let prior = ChurnModel::prior(180.0, None).unwrap();
    let px = g.f64s("in.churn.prior_x");
    g.expect_f64s(
        "out.churn.prior180.predict",
        &prior
            .predict(&Matrix::row_major(&px, px.len() / 4, 4))
            .unwrap(),
    );
}

#[test]
fn golden_priority() {
    let Some(g) = load() else { return };
    let segment: Vec<i8> = g
        .i64s("in.priority.segment")
        .iter()
        .map(|&v| v as i8)
        .collect();
    let closed: Vec<bool> = g
        .i64s("in.priority.closed")
        .iter()
        .map(|&v| v != 0)
        .collect();
    let (risk, clv) = (g.f64s("in.priority.churn_risk"), g.f64s("in.priority.clv"));
    let (responded, contacted) = (
        g.i64s("in.priority.responded_at"),
        g.i64s("in.priority.contacted_at"),
    );
    let capacities = g.i64s("in.priority.capacities");
    g.expect_f64s(
        "out.priority.recoverability",
        &recoverability(&g.f64s("in.priority.hours"), None).unwrap(),
    );
    let q = PriorityQueue::new(
        &QueueInput {
            churn_risk: &risk,
            clv: &clv,
            segment: Some(&segment),
            responded_at: Some(&responded),
            contacted_at: Some(&contacted),
            closed: Some(&closed),
            now: g.i64s("in.priority.now")[0],
            recovery: None,
            capacities: Some(&capacities),
        },
        None,
    )
    .unwrap();
    assert_eq!(q.len() as i64, g.i64s("out.priority.size")[0]);
    for (k, c) in q.cases().unwrap().iter().enumerate() {
        g.expect(
            &format!("out.priority.case.{k}"),
            &fields!(c; row, segment, priority, urgency,
            revenue_at_risk, recoverability, expected_recoverable, hours_since_response, deadline,
            overdue, owner),
        );
    }
    let t = q.totals().unwrap();
    g.expect("out.priority.totals", &fields!(t; n_rows, revenue_at_risk));
    let s = q.summary().unwrap();
    let mut got: Vec<Num> = [s.queued, s.contacted, s.closed, s.missed]
        .iter()
        .flat_map(|a| a.iter().map(|&v| Num::I(v)))
        .collect();
    got.extend(fields!(s; detractors_due, detractors_within_sla, window_hours));
    g.expect("out.priority.summary", &got);
    let missed = q.missed().unwrap();
    assert_eq!(missed.len() as i64, g.i64s("out.priority.missed.size")[0]);
    for (k, m) in missed.iter().enumerate() {
        g.expect(
            &format!("out.priority.missed.{k}"),
            &fields!(m; row, segment, revenue_at_risk),
        );
    }
}
