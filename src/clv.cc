// Customer lifetime value, part 1: the RFM summary of a transaction log.
// The models (BG/NBD, Gamma-Gamma) and CLV are in clv_models.cc.
//
// The summary is a counting sort: one parallel pass validates the rows and
// maps each time to its period number, a counting pass groups the rows by
// customer (stable, so a log sorted by time stays sorted within a customer),
// and one parallel pass over customers counts distinct periods and sums the
// amounts of the repeat periods, sorting a customer's rows only if they are
// out of time order.

#include "npscore/clv.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "src/internal/score_kernels.h"
#include "src/internal/status_macros.h"

namespace npscore {
namespace {

constexpr int64_t kNanosPerDay = int64_t{86400} * 1000000000;

// Floor division for a positive divisor.
inline int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return q - ((a % b) < 0 ? 1 : 0);
}

// Months since 1970-01 of the civil date `days` after 1970-01-01 (Howard
// Hinnant's civil_from_days, in integer arithmetic).
inline int64_t MonthIndex(int64_t days) {
  const int64_t z = days + 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;                                  // [0, 146096]
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);           // [0, 365]
  const int64_t mp = (5 * doy + 2) / 153;                                // [0, 11], March = 0
  const int64_t month = mp < 10 ? mp + 3 : mp - 9;                       // [1, 12]
  const int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return (year - 1970) * 12 + (month - 1);
}

// The period number of time `t` (ns): days, Monday-based weeks, months or
// quarters since the epoch.
inline int64_t PeriodOf(int64_t t, Frequency f) {
  const int64_t days = FloorDiv(t, kNanosPerDay);
  switch (f) {
    case Frequency::kDay:
      return days;
    case Frequency::kWeek:
      return FloorDiv(days + 3, 7);  // 1970-01-01 was a Thursday
    case Frequency::kMonth:
      return MonthIndex(days);
    case Frequency::kQuarter:
      return FloorDiv(MonthIndex(days), 3);
  }
  return days;
}

std::string TimeText(int64_t t) {
  return absl::StrCat(absl::FormatTime("%Y-%m-%d %H:%M:%E*S", absl::FromUnixNanos(t),
                                       absl::UTCTimeZone()),
                      " (", t, " ns)");
}

struct Entry {
  int32_t period;  // relative to the observation end's period (<= 0)
  double amount;
};

size_t Threads(size_t rows) {
  const size_t hw = std::max(1u, std::thread::hardware_concurrency());
  return std::max<size_t>(1, std::min(hw, rows / (internal::kRowsPerThread / 4) + 1));
}

}  // namespace

absl::StatusOr<RfmSummary> SummarizeRfm(absl::Span<const int64_t> customers,
                                        int64_t n_customers,
                                        absl::Span<const int64_t> times,
                                        absl::Span<const double> amounts,
                                        int64_t observation_end, Frequency frequency) {
  const size_t n = customers.size();
  if (times.size() != n) {
    return absl::InvalidArgumentError(absl::StrCat("times has ", times.size(),
                                                   " rows but customers has ", n, " rows"));
  }
  const bool has_amounts = !amounts.empty();
  if (has_amounts && amounts.size() != n) {
    return absl::InvalidArgumentError(absl::StrCat("amounts has ", amounts.size(),
                                                   " rows but customers has ", n, " rows"));
  }
  if (n_customers < 0 || static_cast<uint64_t>(n_customers) > (uint64_t{1} << 40)) {
    return absl::InvalidArgumentError(
        absl::StrCat("n_customers is ", n_customers, ": must be in 0..2^40"));
  }
  if (observation_end == kMissingTime) {
    return absl::InvalidArgumentError("observation_end is missing (NaT)");
  }
  const int64_t end_period = PeriodOf(observation_end, frequency);

  // Pass 1: validate and map each row to its period, relative to the end.
  std::vector<int32_t> period(n);
  const int64_t* cust = customers.data();
  const int64_t* tm = times.data();
  const double* am = has_amounts ? amounts.data() : nullptr;
  const size_t threads = Threads(n);
  NPSCORE_RETURN_IF_ERROR(internal::RunChunks(
      n, threads, [&](size_t, size_t begin, size_t end) -> absl::Status {
        for (size_t i = begin; i < end; ++i) {
          const int64_t c = cust[i];
          if (c < 0 || c >= n_customers) {
            return absl::InvalidArgumentError(absl::StrCat(
                "customer code at row ", i, " is ", c, ": outside 0..", n_customers - 1));
          }
          const int64_t t = tm[i];
          if (t == kMissingTime) {
            return absl::InvalidArgumentError(
                absl::StrCat("time at row ", i, " is missing (NaT)"));
          }
          if (t > observation_end) {
            return absl::InvalidArgumentError(
                absl::StrCat("time at row ", i, " is ", TimeText(t), ": after observation_end ",
                             TimeText(observation_end)));
          }
          if (am != nullptr) {
            const double a = am[i];
            if (!(a >= 0 && a <= std::numeric_limits<double>::max())) {
              return absl::InvalidArgumentError(
                  absl::StrCat("amount at row ", i, " is ", internal::ValueText(a),
                               ": amounts must be finite and >= 0"));
            }
          }
          const int64_t rel = PeriodOf(t, frequency) - end_period;  // <= 0
          if (rel < std::numeric_limits<int32_t>::min()) {
            return absl::InvalidArgumentError(
                absl::StrCat("time at row ", i, " is ", TimeText(t),
                             ": more than 2^31 periods before observation_end"));
          }
          period[i] = static_cast<int32_t>(rel);
        }
        return absl::OkStatus();
      }));

  // Pass 2: group the rows by customer (a stable counting sort).
  const size_t k = static_cast<size_t>(n_customers);
  std::vector<int64_t> offset(k + 1, 0);
  for (size_t i = 0; i < n; ++i) ++offset[static_cast<size_t>(cust[i]) + 1];
  for (size_t c = 0; c < k; ++c) offset[c + 1] += offset[c];
  std::vector<Entry> entries(n);
  {
    std::vector<int64_t> next(offset.begin(), offset.end() - 1);
    for (size_t i = 0; i < n; ++i) {
      const int64_t pos = next[static_cast<size_t>(cust[i])]++;
      entries[static_cast<size_t>(pos)] = {period[i], am != nullptr ? am[i] : 0.0};
    }
  }
  period.clear();
  period.shrink_to_fit();

  // Pass 3: per customer.
  RfmSummary out;
  out.frequency.resize(k);
  out.recency.resize(k);
  out.T.resize(k);
  out.monetary_value.resize(k);
  out.transactions.resize(k);
  Entry* const e = entries.data();
  NPSCORE_RETURN_IF_ERROR(internal::RunChunks(
      k, k >= 65536 ? threads : 1, [&](size_t, size_t begin, size_t end) -> absl::Status {
        for (size_t c = begin; c < end; ++c) {
          Entry* first = e + offset[c];
          Entry* last = e + offset[c + 1];
          out.transactions[c] = last - first;
          if (first == last) {
            out.frequency[c] = out.recency[c] = out.T[c] = out.monetary_value[c] =
                internal::kNaN;
            continue;
          }
          bool sorted = true;
          for (Entry* p = first + 1; p < last; ++p) sorted &= p[-1].period <= p->period;
          if (!sorted) {
            std::stable_sort(first, last,
                             [](const Entry& x, const Entry& y) { return x.period < y.period; });
          }
          const int32_t p0 = first->period;
          int64_t distinct = 1;
          double repeat_sum = 0;
          int32_t prev = p0;
          for (Entry* p = first; p < last; ++p) {
            distinct += p->period != prev ? 1 : 0;
            prev = p->period;
            if (p->period != p0) repeat_sum += p->amount;
          }
          const double freq = static_cast<double>(distinct - 1);
          out.frequency[c] = freq;
          out.recency[c] = static_cast<double>(int64_t{prev} - p0);
          out.T[c] = -static_cast<double>(p0);
          out.monetary_value[c] = distinct > 1 ? repeat_sum / freq : 0.0;
        }
        return absl::OkStatus();
      }));
  return out;
}

}  // namespace npscore
