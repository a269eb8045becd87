// Churn features: per-customer signals from NPS history as of a date, churn
// labels over a horizon, and the check of a time-based train/test split.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "npscore/churn.h"
#include "src/internal/latest.h"
#include "src/internal/score_kernels.h"
#include "src/internal/status_macros.h"

namespace npscore {
namespace {

using internal::AsScore;
using internal::FindBadScore;
using internal::IsMissing;
using internal::IsValidScore;
using internal::kNaN;

// b - a in days, exact in the int64 range and without overflow beyond it.
double DaysBetween(int64_t a, int64_t b) {
  int64_t d;
  if (!__builtin_sub_overflow(b, a, &d)) {
    return static_cast<double>(d) / static_cast<double>(kNanosPerDay);
  }
  return (static_cast<double>(b) - static_cast<double>(a)) / static_cast<double>(kNanosPerDay);
}

// Row of the customer table of each id: by offset from the smallest id when
// the ids are dense (a span no wider than 4x their number + 64Ki), else
// through a hash map. Duplicated ids are an error naming both rows.
class CustomerIndex {
 public:
  absl::Status Build(absl::Span<const int64_t> ids) {
    const size_t m = ids.size();
    if (m == 0) return absl::OkStatus();
    lo_ = *std::min_element(ids.begin(), ids.end());
    const int64_t hi = *std::max_element(ids.begin(), ids.end());
    const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo_);
    if (span < 4 * static_cast<uint64_t>(m) + (uint64_t{1} << 16)) {
      dense_ = true;
      rows_.assign(static_cast<size_t>(span) + 1, -1);
      for (size_t r = 0; r < m; ++r) {
        int32_t& slot = rows_[Offset(ids[r])];
        if (slot >= 0) return Duplicate(ids[r], slot, r);
        slot = static_cast<int32_t>(r);
        identity_ = identity_ && Offset(ids[r]) == r;
      }
      // Ids lo, lo + 1, ... in table order: the offset is the row, no lookup.
      identity_ = identity_ && rows_.size() == m;
      return absl::OkStatus();
    }
    map_.reserve(m);
    for (size_t r = 0; r < m; ++r) {
      auto [it, inserted] = map_.try_emplace(ids[r], static_cast<int32_t>(r));
      if (!inserted) return Duplicate(ids[r], it->second, r);
    }
    return absl::OkStatus();
  }

  // The table row of `id`, or -1.
  int32_t Find(int64_t id) const {
    if (dense_) {
      const uint64_t off = static_cast<uint64_t>(id) - static_cast<uint64_t>(lo_);
      if (off >= rows_.size()) return -1;
      return identity_ ? static_cast<int32_t>(off) : rows_[off];
    }
    const auto it = map_.find(id);
    return it == map_.end() ? -1 : it->second;
  }

  // Starts loading the slot of `id` into the cache (dense ids only).
  void Prefetch(int64_t id) const {
    if (!dense_ || identity_) return;
    const uint64_t off = static_cast<uint64_t>(id) - static_cast<uint64_t>(lo_);
    if (off < rows_.size()) __builtin_prefetch(rows_.data() + off);
  }

 private:
  size_t Offset(int64_t id) const {
    return static_cast<size_t>(static_cast<uint64_t>(id) - static_cast<uint64_t>(lo_));
  }
  static absl::Status Duplicate(int64_t id, int32_t first, size_t second) {
    return absl::InvalidArgumentError(absl::StrCat("customer id ", id,
                                                   " appears twice in the customer table (rows ",
                                                   first, " and ", second, ")"));
  }

 private:
  bool dense_ = false;
  bool identity_ = true;  // dense ids equal to lo + row
  int64_t lo_ = 0;
  std::vector<int32_t> rows_;
  absl::flat_hash_map<int64_t, int32_t> map_;
};

// The running state of one customer over its responses by as_of, in one
// cache line: counts, sum and extremes of the scores (whole numbers <= 1000,
// exact as int16), the first time and the latest two responses (time, row)
// under the one rule of internal/latest.h (a tie goes to the later row).
struct alignas(64) CustomerState {
  int64_t first_time = 0;
  int64_t latest_time = 0;
  int64_t previous_time = 0;
  double sum = 0;
  int32_t n = 0;
  int32_t detractors = 0;
  int32_t latest_row = -1;
  int32_t previous_row = -1;
  int16_t min = 0, max = 0;
};
static_assert(sizeof(CustomerState) == 64, "one cache line per customer");

// Rows ahead whose customer slot (2x) and state (1x) are prefetched: enough
// to cover a memory latency with the loop's work.
constexpr size_t kAhead = 24;

absl::Status CheckColumnLength(const char* what, size_t got, size_t want) {
  if (got == want) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(what, " has ", got, " rows but the responses have ", want));
}

// A time as "2024-05-01 12:00:00 UTC".
std::string TimeText(int64_t t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%E*S UTC", absl::FromUnixNanos(t), absl::UTCTimeZone());
}

}  // namespace

template <typename T>
absl::StatusOr<ChurnFeatures> ComputeChurnFeatures(absl::Span<const int64_t> customers,
                                                   absl::Span<const int64_t> times,
                                                   absl::Span<const T> scores,
                                                   absl::Span<const int64_t> followed_up,
                                                   absl::Span<const int64_t> customer_ids,
                                                   absl::Span<const int64_t> signup_times,
                                                   int64_t as_of,
                                                   const ChurnFeatureOptions& options) {
  const Cutoffs& cut = options.scores.cutoffs;
  NPSCORE_RETURN_IF_ERROR(ValidateCutoffs(cut));
  const size_t n = customers.size();
  NPSCORE_RETURN_IF_ERROR(CheckColumnLength("times", times.size(), n));
  NPSCORE_RETURN_IF_ERROR(CheckColumnLength("scores", scores.size(), n));
  if (!followed_up.empty()) {
    NPSCORE_RETURN_IF_ERROR(CheckColumnLength("followed_up", followed_up.size(), n));
  }
  const size_t m = customer_ids.size();
  if (!signup_times.empty() && signup_times.size() != m) {
    return absl::InvalidArgumentError(absl::StrCat(
        "signup_times has ", signup_times.size(), " rows but the customer table has ", m));
  }
  if (!(options.early_life_days >= 0 && options.early_life_days <= std::numeric_limits<double>::max())) {
    return absl::InvalidArgumentError(absl::StrCat("early_life_days is ",
                                                   internal::ValueText(options.early_life_days),
                                                   ": it must be finite and >= 0"));
  }
  if (as_of == kMissingTime) {
    return absl::InvalidArgumentError("as_of is missing (NaT): give the instant of the features");
  }
  const bool skip_missing = options.scores.missing == Missing::kSkip;
  const bool skip_unknown = options.unknown == UnknownCustomers::kSkip;

  constexpr size_t kMaxRows = static_cast<size_t>(kMaxChurnFeatureRows);
  if (n > kMaxRows || m > kMaxRows) {
    return absl::InvalidArgumentError(absl::StrCat(
        n, " responses and ", m, " customers: at most ", kMaxRows,
        " of each per call (kMaxChurnFeatureRows)"));
  }

  CustomerIndex index;
  NPSCORE_RETURN_IF_ERROR(index.Build(customer_ids));

  ChurnFeatures f;
  std::vector<CustomerState> state(m);
  const T smax = AsScore<T>(cut.scale_max);
  const double dmax = cut.detractor_max;
  const int64_t* cust = customers.data();
  const int64_t* tim = times.data();
  const T* sc = scores.data();
  const int64_t* fol = followed_up.empty() ? nullptr : followed_up.data();

  // The one pass over the responses: validate, then update the customer. The
  // per-customer state is read at random, so the slots and states of rows
  // ahead are prefetched.
  for (size_t i = 0; i < n; ++i) {
    if (i + 2 * kAhead < n) index.Prefetch(cust[i + 2 * kAhead]);
    if (i + kAhead < n) {
      const int32_t ahead = index.Find(cust[i + kAhead]);
      if (ahead >= 0) __builtin_prefetch(state.data() + ahead, 1);
    }
    const T x = sc[i];
    if (!IsValidScore(x, smax)) {
      if (IsMissing(x) && skip_missing) {
        ++f.skipped_missing_scores;
        continue;
      }
      return FindBadScore(scores, i, i + 1, cut, options.scores.missing);
    }
    const int64_t t = tim[i];
    if (t == kMissingTime) {
      if (skip_missing) {
        ++f.skipped_missing_times;
        continue;
      }
      return internal::MissingTimeError(static_cast<int64_t>(i));
    }
    const int32_t r = index.Find(cust[i]);
    if (r < 0) {
      if (skip_unknown) {
        ++f.skipped_unknown_customers;
        continue;
      }
      return absl::InvalidArgumentError(absl::StrCat(
          "customer ", cust[i], " at row ", i,
          " is not in the customer table; ask to skip such rows (Python: unknown=\"skip\", C: "
          "skip_unknown_customers = 1)"));
    }
    if (fol != nullptr && fol[i] != kMissingTime && fol[i] < t) {
      return absl::InvalidArgumentError(
          absl::StrCat("follow-up time at row ", i, " (", TimeText(fol[i]),
                       ") is before its response (", TimeText(t), ")"));
    }
    if (t > as_of) {
      ++f.after_as_of;
      continue;
    }
    ++f.used;
    CustomerState& s = state[static_cast<size_t>(r)];
    const int16_t v = static_cast<int16_t>(x);
    const int32_t row = static_cast<int32_t>(i);
    if (s.n == 0) {
      s.min = s.max = v;
      s.first_time = t;
      s.latest_time = t;
      s.latest_row = row;
    } else {
      s.min = std::min(s.min, v);
      s.max = std::max(s.max, v);
      s.first_time = std::min(s.first_time, t);
      // The latest and the previous under the one rule (internal/latest.h):
      // rows come in ascending order, so a tie goes to this row.
      if (internal::IsLaterRow(t, s.latest_time)) {
        s.previous_time = s.latest_time;
        s.previous_row = s.latest_row;
        s.latest_time = t;
        s.latest_row = row;
      } else if (s.previous_row < 0 || internal::IsLaterRow(t, s.previous_time)) {
        s.previous_time = t;
        s.previous_row = row;
      }
    }
    ++s.n;
    s.sum += static_cast<double>(v);
    s.detractors += v <= dmax ? 1 : 0;
  }

  f.has_response.assign(m, 0);
  f.signed_up.assign(m, 1);
  f.n_responses.assign(m, 0);
  f.latest_row.assign(m, -1);
  f.score.assign(m, kNaN);
  f.segment.assign(m, kNoSegment);
  f.previous_score.assign(m, kNaN);
  f.score_change.assign(m, kNaN);
  f.segment_change.assign(m, 0);
  f.mean_score.assign(m, kNaN);
  f.min_score.assign(m, kNaN);
  f.max_score.assign(m, kNaN);
  f.n_detractor_responses.assign(m, 0);
  f.days_since_response.assign(m, kNaN);
  f.days_since_first_response.assign(m, kNaN);
  f.tenure_days.assign(m, kNaN);
  f.customer_age_days.assign(m, kNaN);
  f.early_life_detractor.assign(m, 0);
  f.detractor_followed_up.assign(m, 0);
  f.days_to_follow_up.assign(m, kNaN);
  f.days_detractor_waiting.assign(m, 0);
  const double pmax = cut.passive_max;
  auto segment_of = [&](double v) -> int8_t { return v <= dmax ? -1 : (v <= pmax ? 0 : 1); };

  for (size_t r = 0; r < m; ++r) {
    const int64_t signup = signup_times.empty() ? kMissingTime : signup_times[r];
    if (signup != kMissingTime) {
      f.customer_age_days[r] = DaysBetween(signup, as_of);
      f.signed_up[r] = signup <= as_of ? 1 : 0;
    }
    const CustomerState& s = state[r];
    if (s.n == 0) continue;
    f.has_response[r] = 1;
    f.n_responses[r] = s.n;
    f.latest_row[r] = s.latest_row;
    const double latest = static_cast<double>(sc[s.latest_row]);
    const int8_t seg = segment_of(latest);
    f.score[r] = latest;
    f.segment[r] = seg;
    if (s.previous_row >= 0) {
      const double previous = static_cast<double>(sc[s.previous_row]);
      f.previous_score[r] = previous;
      f.score_change[r] = latest - previous;
      f.segment_change[r] = static_cast<int8_t>(seg - segment_of(previous));
    }
    f.mean_score[r] = s.sum / static_cast<double>(s.n);
    f.min_score[r] = s.min;
    f.max_score[r] = s.max;
    f.n_detractor_responses[r] = s.detractors;
    f.days_since_response[r] = DaysBetween(s.latest_time, as_of);
    f.days_since_first_response[r] = DaysBetween(s.first_time, as_of);
    if (signup != kMissingTime) {
      const double tenure = DaysBetween(signup, s.latest_time);
      f.tenure_days[r] = tenure;
      f.early_life_detractor[r] = seg < 0 && tenure >= 0 && tenure <= options.early_life_days;
    }
    if (seg < 0) {
      const int64_t fu = fol == nullptr ? kMissingTime : fol[s.latest_row];
      if (fu != kMissingTime && fu <= as_of) {
        f.detractor_followed_up[r] = 1;
        f.days_to_follow_up[r] = DaysBetween(s.latest_time, fu);
      } else {
        f.days_detractor_waiting[r] = f.days_since_response[r];
      }
    }
  }
  return f;
}

absl::StatusOr<ChurnLabels> ComputeChurnLabels(absl::Span<const int64_t> churned_at,
                                               absl::Span<const int64_t> signup_times,
                                               int64_t as_of, int64_t horizon_ns) {
  const size_t m = churned_at.size();
  if (!signup_times.empty() && signup_times.size() != m) {
    return absl::InvalidArgumentError(absl::StrCat(
        "signup_times has ", signup_times.size(), " rows but churned_at has ", m));
  }
  if (as_of == kMissingTime) {
    return absl::InvalidArgumentError("as_of is missing (NaT)");
  }
  int64_t end;
  if (horizon_ns <= 0 || __builtin_add_overflow(as_of, horizon_ns, &end)) {
    return absl::InvalidArgumentError(
        absl::StrCat("horizon is ", horizon_ns, " ns: it must be > 0 and as_of + horizon "
                     "must be a representable time"));
  }
  ChurnLabels out;
  out.label.assign(m, -1);
  for (size_t r = 0; r < m; ++r) {
    const int64_t c = churned_at[r];
    if (!signup_times.empty() && signup_times[r] != kMissingTime && signup_times[r] > as_of) {
      ++out.not_yet_customers;
    } else if (c != kMissingTime && c <= as_of) {
      ++out.churned_before;
    } else if (c != kMissingTime && c <= end) {
      out.label[r] = 1;
      ++out.positives;
    } else {
      out.label[r] = 0;
      ++out.negatives;
    }
  }
  return out;
}

absl::Status CheckTimeSplit(int64_t train_as_of, int64_t test_as_of, int64_t horizon_ns,
                            int64_t observed_until) {
  if (train_as_of == kMissingTime) {
    return absl::InvalidArgumentError("train_as_of is missing (NaT): give the training instant");
  }
  if (test_as_of == kMissingTime) {
    return absl::InvalidArgumentError("test_as_of is missing (NaT): give the test instant");
  }
  if (horizon_ns <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("horizon is ", horizon_ns, " ns: it must be > 0"));
  }
  int64_t train_end, test_end;
  if (__builtin_add_overflow(train_as_of, horizon_ns, &train_end) ||
      __builtin_add_overflow(test_as_of, horizon_ns, &test_end)) {
    return absl::InvalidArgumentError("as_of + horizon is not a representable time");
  }
  if (train_end > test_as_of) {
    return absl::InvalidArgumentError(absl::StrCat(
        "train_as_of + horizon is ", DaysBetween(test_as_of, train_end),
        " days after test_as_of: the training labels would use churn not yet known at "
        "test_as_of (leakage); move train_as_of back by at least that much"));
  }
  if (observed_until != kMissingTime && test_end > observed_until) {
    return absl::InvalidArgumentError(absl::StrCat(
        "test_as_of + horizon is ", DaysBetween(observed_until, test_end),
        " days after the end of observation: the test labels would be censored; move "
        "test_as_of back by at least that much or shorten the horizon"));
  }
  return absl::OkStatus();
}

#define NPSCORE_INSTANTIATE(T)                                                            \
  template absl::StatusOr<ChurnFeatures> ComputeChurnFeatures<T>(                         \
      absl::Span<const int64_t>, absl::Span<const int64_t>, absl::Span<const T>,         \
      absl::Span<const int64_t>, absl::Span<const int64_t>, absl::Span<const int64_t>,   \
      int64_t, const ChurnFeatureOptions&);
NPSCORE_FOR_EACH_SCORE_TYPE(NPSCORE_INSTANTIATE)
#undef NPSCORE_INSTANTIATE

}  // namespace npscore
