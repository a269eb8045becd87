//! Bad input returns an Error naming the argument, row and value; nothing
//! panics.

use npscore::*;

#[test]
fn bad_scores_name_row_and_value() {
    let e = summarize(&[9, 10, 11], None, None).unwrap_err();
    assert_eq!(e.status(), Status::Invalid);
    assert!(
        e.message().contains("row 2") && e.message().contains("11"),
        "{e}"
    );
    assert!(e.to_string().starts_with("npscore: "));
    let e = summarize(&[9.0, f64::NAN], None, None).unwrap_err();
    assert!(e.message().contains("row 1"), "{e}");
    let skip = NpsOptions {
        missing: Missing::Skip,
        ..Default::default()
    };
    assert_eq!(
        summarize(&[9.0, f64::NAN], None, Some(&skip))
            .unwrap()
            .skipped,
        1
    );
    assert_eq!(
        summarize::<u8>(&[], None, None).unwrap_err().status(),
        Status::Invalid
    );
    let e = summarize(&[9], Some(&[1.0, 2.0]), None).unwrap_err();
    assert!(
        e.status() == Status::Invalid && e.message().contains("weights"),
        "{e}"
    );
    let bad = NpsOptions {
        confidence: 1.5,
        ..Default::default()
    };
    let e = summarize(&[9], None, Some(&bad)).unwrap_err();
    assert!(e.message().contains("confidence"), "{e}");
    assert!(Status::Range.description().starts_with("NPSCORE_ERANGE"));
}

#[test]
fn bad_health_churn_priority_input() {
    assert_eq!(
        PeriodGrid::new(0, 1, Frequency::Month, "Not/AZone")
            .unwrap_err()
            .status(),
        Status::Invalid
    );
    assert_eq!(
        PeriodGrid::new(0, 1, Frequency::Month, "U\0TC")
            .unwrap_err()
            .status(),
        Status::Invalid
    );
    let e = HealthTable::new(&[9], &[3], 2, None, None, None).unwrap_err();
    assert!(e.message().contains("row 0"), "{e}");
    let e = HealthTable::new(&[9, 9], &[0], 1, None, None, None).unwrap_err();
    assert!(e.message().contains("periods"), "{e}");
    let t = HealthTable::new(&[9], &[0], 1, None, None, None).unwrap();
    assert_eq!(t.row(1).unwrap_err().status(), Status::Invalid);

    let e = ChurnModel::fit(
        &Matrix::row_major(&[0.0, 1.0, f64::NAN], 3, 1),
        &[0.0, 1.0, 0.0],
        None,
        None,
        None,
    )
    .unwrap_err();
    assert!(e.message().contains("row 2"), "{e}");
    let e = ChurnModel::fit(
        &Matrix::row_major(&[0.0, 1.0], 3, 1),
        &[0.0, 1.0, 0.0],
        None,
        None,
        None,
    )
    .unwrap_err();
    assert_eq!(e.status(), Status::Invalid);
    assert_eq!(
        ChurnModel::load("/nonexistent/npscore.model")
            .unwrap_err()
            .status(),
        Status::Io
    );

    let e = PriorityQueue::new(
        &QueueInput {
            churn_risk: &[0.5, 1.5],
            clv: &[1.0, 1.0],
            ..Default::default()
        },
        None,
    )
    .unwrap_err();
    assert!(
        e.message().contains("row 1") && e.message().contains("1.5"),
        "{e}"
    );
    assert_eq!(play_name(7).unwrap_err().status(), Status::Invalid);
}
