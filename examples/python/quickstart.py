"""npscore quick start for Python: NPS with its interval, by slice, and a
period-over-period comparison, on the sample data that ships with npscore."""

import npscore

sample = npscore.datasets.load_sample(seed=42)
responses = sample.responses.merge(sample.customers[["customer_id", "plan", "arr"]],
                                   on="customer_id")

# What is our NPS, and how sure are we?
s = npscore.summarize(responses["score"])
print(f"NPS {s.nps:+.1f}, 95% CI [{s.ci_low:+.1f}, {s.ci_high:+.1f}], n={s.n}")

# Revenue-weighted: each response weighted by its account's ARR.
w = npscore.summarize(responses["score"], weights=responses["arr"])
print(f"ARR-weighted NPS {w.nps:+.1f}, effective n={w.n_effective:.0f}")

# By slice, with small groups flagged.
print(npscore.by_group(responses, score="score", by="plan", min_n=30)
      [["plan", "n", "nps", "ci_low", "ci_high", "small"]])

# Relational against transactional surveys: is the difference significant?
kind = responses["survey_kind"]
c = npscore.compare(responses.loc[kind == "relational", "score"],
                    responses.loc[kind == "transactional", "score"])
print(f"relational - transactional: {c.diff:+.1f} points, p={c.p_value:.3g}")
