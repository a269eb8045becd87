//! The quick start of docs/rust.md, run as a test.

#[test]
fn quickstart() -> Result<(), npscore::Error> {
    let s = npscore::summarize(&[9, 10, 7, 3, 9, 6, 10, 8], None, None)?;
    assert_eq!(
        format!("NPS {:.1} [{:.1}, {:.1}]", s.nps, s.ci_low, s.ci_high),
        "NPS 25.0 [-29.4, 65.8]"
    );

    match npscore::summarize(&[9.0, 10.0, 11.0], None, None) {
        Err(e) => {
            assert_eq!(e.status(), npscore::Status::Invalid);
            assert_eq!(
                e.message(),
                "npscore_nps_summarize: score at row 2 is 11: outside the scale 0..10"
            );
        }
        Ok(_) => panic!("11 is outside the scale"),
    }
    Ok(())
}
