//! Each call's error is its own, whichever thread runs it, and handles are
//! shared read-only across threads.

use std::sync::Arc;
use std::thread;

use npscore::*;

/// 64 threads x 200 failing calls, each with its own bad value at its own
/// row: every message names its own call's row and value.
#[test]
fn every_message_is_its_own() {
    let handles: Vec<_> = (0..64)
        .map(|t: i32| {
            thread::spawn(move || {
                let mut scores: Vec<i32> = (0..17).map(|i| i % 11).collect();
                let mut wrong = 0;
                for i in 0..200 {
                    let row = ((t + i) % 17) as usize;
                    let bad = 11 + t * 200 + i;
                    scores[row] = bad;
                    let err = summarize(&scores, None, None).unwrap_err();
                    scores[row] = row as i32 % 11;
                    if !err.message().contains(&format!("row {row} is {bad}")) {
                        wrong += 1;
                    }
                    thread::yield_now();
                }
                wrong
            })
        })
        .collect();
    let wrong: i32 = handles.into_iter().map(|h| h.join().unwrap()).sum();
    assert_eq!(wrong, 0, "{wrong} of 12800 messages wrong");
}

#[test]
fn shared_handles() {
    let n = 5000;
    let scores: Vec<f64> = (0..n).map(|i| ((i * 7) % 11) as f64).collect();
    let periods: Vec<i32> = (0..n).map(|i| (i % 12) as i32).collect();
    let x: Vec<f64> = (0..n)
        .flat_map(|i| [(i % 3) as f64, ((i * 13) % 17) as f64 / 17.0])
        .collect();
    let y: Vec<f64> = (0..n).map(|i| ((i / 3) % 2) as f64).collect();
    let table = Arc::new(HealthTable::new(&scores, &periods, 12, None, None, None).unwrap());
    let model =
        Arc::new(ChurnModel::fit(&Matrix::row_major(&x, n, 2), &y, None, None, None).unwrap());
    let want_rows = table.rows().unwrap();
    let want_p = model.predict(&Matrix::row_major(&x, n, 2)).unwrap();
    thread::scope(|s| {
        for _ in 0..16 {
            s.spawn(|| {
                for _ in 0..10 {
                    let rows = table.rows().unwrap();
                    for (a, b) in rows.iter().zip(&want_rows) {
                        assert_eq!(
                            (a.n, a.promoters, a.detractors),
                            (b.n, b.promoters, b.detractors)
                        );
                        assert!(a.nps == b.nps || (a.nps.is_nan() && b.nps.is_nan()));
                    }
                    assert_eq!(model.predict(&Matrix::row_major(&x, n, 2)).unwrap(), want_p);
                }
            });
        }
    });
}
