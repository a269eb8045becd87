// libFuzzer harness: caller bytes viewed as a score column of every element
// type (double, float, int8..int64, uint8..uint64) -> the core's kernels over
// score columns: ValidateCutoffs, CountSegments, SegmentInto/SegmentScores,
// CountSegmentsWeighted, SummarizeByGroup, SummarizeByKey, MergeCounts,
// Summarize and Compare, with caller cut-offs and both missing modes. Each is
// checked against a plain per-row reading of the column (a score is valid if
// it is a whole number in 0..scale_max; NaN is missing):
//   - counts equal the reference and add up to n - skipped; merging the
//     counts of two halves gives the whole;
//   - segment codes are the reference's (so they agree with the counts);
//   - an error is InvalidArgument and names the first bad row (< n): the
//     first bad score, or for weights the first bad weight of a row whose
//     score is not skipped;
//   - by-group and by-key tables count each group as the reference does;
//   - summaries validate, and their intervals hold the estimate.
// A failed check aborts.
//
// Input: byte 0 the element type (% 10); byte 1 flags: bit 0 skip missing,
// bit 1 narrow (each byte is one score: see Narrow), bit 2 weighted, bits 3-4
// a bad weight (none, -1, NaN, +inf) at the row of byte 8, bit 5 repeat the
// column past 2 blocks of the kernels (5,000 rows), bit 6 caller cut-offs
// (bytes 2-7: three int16 detractor_max, passive_max, scale_max; else
// 6/8/10), bit 7 sparse keys for SummarizeByKey; byte 9 the groups (1..16);
// then the column: raw little-endian values, or one byte per score.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "npscore/nps.h"
#include "tests/fuzz/fuzz_messages.h"

namespace {

using npscore_fuzz::NumberAfter;

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "scores_fuzz: %s: %s\n", what, detail.c_str());
  std::abort();
}

constexpr size_t kRepeatRows = 5000;  // above two of the kernels' 2,048-row blocks
constexpr int64_t kNone = -1;

// The reference reading of one score: its segment index 0/1/2, or missing,
// or bad.
enum Kind : int { kDetractor = 0, kPassive = 1, kPromoter = 2, kMissing = 3, kBad = 4 };

template <typename T>
Kind Classify(T x, const npscore::Cutoffs& c) {
  long double v;  // every value of every type, exactly
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(x)) return kMissing;
    if (!std::isfinite(x) || std::floor(x) != x) return kBad;
    v = static_cast<long double>(x);
  } else {
    v = static_cast<long double>(x);
  }
  if (v < 0 || v > c.scale_max) return kBad;
  return v <= c.detractor_max ? kDetractor : v <= c.passive_max ? kPassive : kPromoter;
}

// A narrow score: byte b is the value b (signed types: int8_t(b), so
// negatives occur); for floating types 255 is NaN, 254 is 7.5, 253 is -0.0
// and 252 is +inf.
template <typename T>
T Narrow(uint8_t b) {
  if constexpr (std::is_floating_point_v<T>) {
    switch (b) {
      case 255: return std::numeric_limits<T>::quiet_NaN();
      case 254: return T(7.5);
      case 253: return T(-0.0);
      case 252: return std::numeric_limits<T>::infinity();
      default: return T(b);
    }
  } else if constexpr (std::is_signed_v<T>) {
    return static_cast<T>(static_cast<int8_t>(b));
  } else {
    return static_cast<T>(b);
  }
}

// An error must be InvalidArgument naming "score at row <score_row>" or
// "weight at row <weight_row>" (kNone: no such row); one of them exists.
void CheckError(const absl::Status& status, int64_t score_row, int64_t weight_row,
                const char* what) {
  if (status.ok()) Fail(what, "accepted a column with a bad row");
  if (status.code() != absl::StatusCode::kInvalidArgument) {
    Fail(what, "an error other than InvalidArgument: " + status.ToString());
  }
  const absl::string_view m = status.message();
  const int64_t s = NumberAfter(m, "score at row "), w = NumberAfter(m, "weight at row ");
  const bool named = (s >= 0 && s == score_row) || (w >= 0 && w == weight_row);
  if (!named) {
    Fail(what, absl::StrCat("the error names another row: ", m, " (expected score row ",
                            score_row, " or weight row ", weight_row, ")"));
  }
}

// A summary compared with itself: no difference, an interval holding 0.
void CheckCompare(const npscore::Summary& s) {
  auto c = npscore::Compare(s, s);
  if (!c.ok()) Fail("Compare failed on a valid summary", std::string(c.status().message()));
  if (c->diff != 0 || !(c->p_value >= 0 && c->p_value <= 1) || c->ci_low > 0 || c->ci_high < 0) {
    Fail("Compare", "a summary against itself differs");
  }
}

// Summaries by every interval method validate; the Wald and score intervals
// hold the estimate (the adjusted-Wald one is centred on the adjusted
// estimate, and may leave out an extreme NPS of a tiny sample).
template <typename C>
void CheckSummaries(const C& counts) {
  for (auto method : {npscore::IntervalMethod::kWald, npscore::IntervalMethod::kAdjustedWald,
                      npscore::IntervalMethod::kScore}) {
    auto s = npscore::Summarize(counts, {method, 0.95});
    if (!s.ok()) Fail("Summarize failed", std::string(s.status().message()));
    if (!npscore::ValidateSummary(*s).ok()) Fail("Summarize", "a summary that does not validate");
    if (!(s->ci_low <= s->ci_high && s->ci_low >= -100 && s->ci_high <= 100) ||
        (method != npscore::IntervalMethod::kAdjustedWald &&
         !(s->ci_low <= s->nps && s->nps <= s->ci_high))) {
      Fail("Summarize", "the interval does not hold the estimate");
    }
    CheckCompare(*s);
  }
}

struct Flags {
  bool skip, weighted, sparse_keys;
  int bad_weight;  // 0 none, 1 -1, 2 NaN, 3 +inf
  size_t bad_weight_row;
  int64_t groups;
};

template <typename T>
void Run(const std::vector<T>& scores, const npscore::Cutoffs& cut, const Flags& f) {
  const size_t n = scores.size();
  const bool valid_cut = 0 <= cut.detractor_max && cut.detractor_max < cut.passive_max &&
                         cut.passive_max < cut.scale_max && cut.scale_max <= 1000;
  const npscore::ScoreOptions options{cut, f.skip ? npscore::Missing::kSkip
                                                  : npscore::Missing::kError};
  const absl::Span<const T> column(scores);
  if (npscore::ValidateCutoffs(cut).ok() != valid_cut) Fail("ValidateCutoffs", "wrong verdict");
  if (!valid_cut) {
    if (npscore::CountSegments(column, options).ok()) {
      Fail("CountSegments", "bad cut-offs accepted");
    }
    return;
  }

  // The reference: kinds, counts, first bad rows.
  std::vector<Kind> kind(n);
  int64_t count[4] = {0, 0, 0, 0};
  int64_t first_bad = kNone, first_unskipped = kNone;  // the latter: bad or missing
  for (size_t i = 0; i < n; ++i) {
    kind[i] = Classify(scores[i], cut);
    if (kind[i] == kBad && first_bad == kNone) first_bad = static_cast<int64_t>(i);
    if (kind[i] >= kMissing && first_unskipped == kNone) first_unskipped = static_cast<int64_t>(i);
    if (kind[i] < kBad) ++count[kind[i]];
  }
  const int64_t first_error = f.skip ? first_bad : first_unskipped;

  auto counts = npscore::CountSegments(column, options);
  if (first_error != kNone) {
    CheckError(counts.status(), first_error, kNone, "CountSegments");
  } else {
    if (!counts.ok()) Fail("CountSegments failed", std::string(counts.status().message()));
    if (counts->detractors != count[0] || counts->passives != count[1] ||
        counts->promoters != count[2] || counts->skipped != count[3] ||
        counts->n() + counts->skipped != static_cast<int64_t>(n)) {
      Fail("CountSegments", "counts differ from the reference");
    }
    const size_t half = n / 2;
    auto a = npscore::CountSegments(column.subspan(0, half), options);
    auto b = npscore::CountSegments(column.subspan(half), options);
    if (!a.ok() || !b.ok()) Fail("CountSegments", "a half fails where the whole did not");
    auto merged = npscore::MergeCounts(*a, *b);
    if (!merged.ok() || merged->detractors != counts->detractors ||
        merged->passives != counts->passives || merged->promoters != counts->promoters ||
        merged->skipped != counts->skipped) {
      Fail("MergeCounts", "the halves do not add up to the whole");
    }
    if (counts->n() > 0) CheckSummaries(*counts);
  }

  std::vector<int8_t> codes(n);
  const absl::Status seg = npscore::SegmentInto(column, absl::MakeSpan(codes), cut);
  if (first_unskipped != kNone) {
    CheckError(seg, first_unskipped, kNone, "SegmentInto");
  } else {
    if (!seg.ok()) Fail("SegmentInto failed", std::string(seg.message()));
    for (size_t i = 0; i < n; ++i) {
      if (codes[i] != static_cast<int8_t>(kind[i]) - 1) Fail("SegmentInto", "a wrong code");
    }
    auto again = npscore::SegmentScores(column, cut);
    if (!again.ok() || *again != codes) Fail("SegmentScores", "differs from SegmentInto");
  }

  // Weights: quarter units (exact sums), one bad weight on request.
  std::vector<double> weights;
  int64_t first_bad_weight = kNone;
  double wsum[3] = {0, 0, 0}, w2 = 0;
  if (f.weighted) {
    weights.resize(n);
    for (size_t i = 0; i < n; ++i) weights[i] = 0.25 * static_cast<double>((i * 7) % 9);
    if (f.bad_weight != 0 && n > 0) {
      const double bad[] = {-1.0, std::numeric_limits<double>::quiet_NaN(),
                            std::numeric_limits<double>::infinity()};
      weights[f.bad_weight_row % n] = bad[f.bad_weight - 1];
    }
    for (size_t i = 0; i < n; ++i) {
      if (kind[i] == kMissing && f.skip) continue;
      if (!(weights[i] >= 0 && std::isfinite(weights[i]))) {
        if (first_bad_weight == kNone) first_bad_weight = static_cast<int64_t>(i);
        continue;
      }
      if (kind[i] < kMissing) {
        wsum[kind[i]] += weights[i];
        w2 += weights[i] * weights[i];
      }
    }
    auto wc = npscore::CountSegmentsWeighted(column, absl::MakeConstSpan(weights), options);
    if (first_error != kNone || first_bad_weight != kNone) {
      CheckError(wc.status(), first_error, first_bad_weight, "CountSegmentsWeighted");
    } else {
      if (!wc.ok()) Fail("CountSegmentsWeighted failed", std::string(wc.status().message()));
      if (wc->detractors != wsum[0] || wc->passives != wsum[1] || wc->promoters != wsum[2] ||
          wc->sum_w2 != w2 || wc->skipped != count[3] ||
          wc->rows != static_cast<int64_t>(n) - count[3]) {
        Fail("CountSegmentsWeighted", "totals differ from the reference");
      }
      if (!npscore::ValidateCounts(*wc).ok()) Fail("CountSegmentsWeighted", "invalid totals");
      if (wc->total() > 0) CheckSummaries(*wc);
    }
  }

  // By group (codes i % groups) and by key (dense or sparse keys).
  const int64_t g = f.groups;
  std::vector<int32_t> group(n);
  std::vector<int64_t> keys(n);
  std::vector<int64_t> rows(static_cast<size_t>(g), 0), skipped(static_cast<size_t>(g), 0);
  for (size_t i = 0; i < n; ++i) {
    group[i] = static_cast<int32_t>(static_cast<int64_t>(i) % g);
    keys[i] = f.sparse_keys ? (group[i] - 3) * int64_t{1000003} : group[i] + 40;
    if (kind[i] < kMissing) ++rows[static_cast<size_t>(group[i])];
    if (kind[i] == kMissing) ++skipped[static_cast<size_t>(group[i])];
  }
  npscore::GroupOptions go;
  go.scores = options;
  go.threads = 1;
  const bool fails = first_error != kNone || first_bad_weight != kNone;
  auto table = npscore::SummarizeByGroup(column, absl::MakeConstSpan(group), g,
                                         absl::MakeConstSpan(weights), go);
  auto keyed = npscore::SummarizeByKey(column, absl::MakeConstSpan(keys),
                                       absl::MakeConstSpan(weights), go);
  if (fails) {
    CheckError(table.status(), first_error, first_bad_weight, "SummarizeByGroup");
    CheckError(keyed.status(), first_error, first_bad_weight, "SummarizeByKey");
    return;
  }
  if (!table.ok()) Fail("SummarizeByGroup failed", std::string(table.status().message()));
  if (!keyed.ok()) Fail("SummarizeByKey failed", std::string(keyed.status().message()));
  if (table->size() != static_cast<size_t>(g)) Fail("SummarizeByGroup", "wrong group count");
  for (size_t k = 0; k < static_cast<size_t>(g); ++k) {
    if (table->rows[k] != rows[k] || table->skipped[k] != skipped[k]) {
      Fail("SummarizeByGroup", "a group's rows differ from the reference");
    }
  }
  // Keys with rows (or skipped rows) come out in ascending key order.
  if (!std::is_sorted(keyed->keys.begin(), keyed->keys.end()) ||
      std::adjacent_find(keyed->keys.begin(), keyed->keys.end()) != keyed->keys.end()) {
    Fail("SummarizeByKey", "keys not strictly ascending");
  }
  for (size_t r = 0; r < keyed->keys.size(); ++r) {
    const int64_t key = keyed->keys[r];
    const int64_t k = f.sparse_keys ? key / 1000003 + 3 : key - 40;
    if (k < 0 || k >= g || keyed->table.rows[r] != rows[static_cast<size_t>(k)] ||
        keyed->table.skipped[r] != skipped[static_cast<size_t>(k)]) {
      Fail("SummarizeByKey", "a key's rows differ from the reference");
    }
  }
  const size_t used_groups = static_cast<size_t>(std::min<int64_t>(g, static_cast<int64_t>(n)));
  if (keyed->keys.size() != used_groups) Fail("SummarizeByKey", "wrong key count");
}

template <typename T>
void Column(const uint8_t* data, size_t size, bool narrow, bool repeat,
            const npscore::Cutoffs& cut, const Flags& f) {
  std::vector<T> scores;
  if (narrow) {
    for (size_t i = 0; i < size; ++i) scores.push_back(Narrow<T>(data[i]));
  } else {
    scores.resize(size / sizeof(T));
    if (!scores.empty()) std::memcpy(scores.data(), data, scores.size() * sizeof(T));
  }
  if (repeat && !scores.empty()) {
    const size_t k = scores.size();
    while (scores.size() < kRepeatRows) scores.push_back(scores[scores.size() % k]);
  }
  Run<T>(scores, cut, f);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  constexpr size_t kHeader = 10;
  if (size < kHeader) return 0;
  const uint8_t type = data[0] % 10, flags = data[1];
  npscore::Cutoffs cut;
  if (flags & 64) {
    int16_t v[3];
    std::memcpy(v, data + 2, sizeof v);
    cut = npscore::Cutoffs{v[0], v[1], v[2]};
  }
  Flags f;
  f.skip = flags & 1;
  f.weighted = flags & 4;
  f.bad_weight = (flags >> 3) & 3;
  f.sparse_keys = flags & 128;
  f.bad_weight_row = data[8];
  f.groups = 1 + data[9] % 16;
  const bool narrow = flags & 2, repeat = flags & 32;
  const uint8_t* column = data + kHeader;
  const size_t n = size - kHeader;
  switch (type) {
    case 0: Column<double>(column, n, narrow, repeat, cut, f); break;
    case 1: Column<float>(column, n, narrow, repeat, cut, f); break;
    case 2: Column<int8_t>(column, n, narrow, repeat, cut, f); break;
    case 3: Column<int16_t>(column, n, narrow, repeat, cut, f); break;
    case 4: Column<int32_t>(column, n, narrow, repeat, cut, f); break;
    case 5: Column<int64_t>(column, n, narrow, repeat, cut, f); break;
    case 6: Column<uint8_t>(column, n, narrow, repeat, cut, f); break;
    case 7: Column<uint16_t>(column, n, narrow, repeat, cut, f); break;
    case 8: Column<uint32_t>(column, n, narrow, repeat, cut, f); break;
    default: Column<uint64_t>(column, n, narrow, repeat, cut, f); break;
  }
  return 0;
}
