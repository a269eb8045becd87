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
#include <cstdlib>
#include <memory>
#include <new>
#include <string>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "src/internal/parallel.h"
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

constexpr int64_t kNanosPerHour = int64_t{3600} * 1000000000;

// The period number of time `t` (ns): days, Monday-based weeks, months,
// quarters or hours since the epoch.
inline int64_t PeriodOf(int64_t t, RfmUnit f) {
  const int64_t days = FloorDiv(t, kNanosPerDay);
  switch (f) {
    case RfmUnit::kDay:
      return days;
    case RfmUnit::kWeek:
      return FloorDiv(days + 3, 7);  // 1970-01-01 was a Thursday
    case RfmUnit::kMonth:
      return MonthIndex(days);
    case RfmUnit::kQuarter:
      return FloorDiv(MonthIndex(days), 3);
    case RfmUnit::kHour:
      return FloorDiv(t, kNanosPerHour);
  }
  return days;
}

std::string TimeText(int64_t t) {
  return absl::StrCat(absl::FormatTime("%Y-%m-%d %H:%M:%E*S", absl::FromUnixNanos(t),
                                       absl::UTCTimeZone()),
                      " (", t, " ns)");
}

struct Entry {
  uint32_t local;  // customer code within its bucket
  int32_t period;  // relative to the observation end's period (<= 0)
  double amount;
};

constexpr size_t kBuckets = 256;

// An uninitialized array of n Entries. Large ones are 2 MiB-aligned and
// marked for transparent huge pages: a fresh 160 MB scatter target would
// otherwise cost tens of thousands of page faults, more than the scatter.
class EntryBuffer {
 public:
  explicit EntryBuffer(size_t n) {
    constexpr size_t kHuge = size_t{2} << 20;
    size_t bytes = std::max<size_t>(n, 1) * sizeof(Entry);
    if (bytes >= kHuge) {
      bytes = (bytes + kHuge - 1) / kHuge * kHuge;
      data_ = static_cast<Entry*>(std::aligned_alloc(kHuge, bytes));
#if defined(__linux__) && defined(MADV_HUGEPAGE)
      if (data_ != nullptr) madvise(data_, bytes, MADV_HUGEPAGE);
#endif
    } else {
      data_ = static_cast<Entry*>(std::malloc(bytes));
    }
    if (data_ == nullptr) throw std::bad_alloc();
  }
  ~EntryBuffer() { std::free(data_); }
  EntryBuffer(const EntryBuffer&) = delete;
  EntryBuffer& operator=(const EntryBuffer&) = delete;
  Entry* get() const { return data_; }

 private:
  Entry* data_ = nullptr;
};

// The error of a row that failed the validation of SummarizeRfm.
absl::Status RowError(size_t i, int64_t c, int64_t n_customers, int64_t t,
                      int64_t observation_end, const double* amounts) {
  if (c < 0 || c >= n_customers) {
    return absl::InvalidArgumentError(
        absl::StrCat("customer code at row ", i, " is ", c, ": outside 0..", n_customers - 1));
  }
  if (t == kMissingTime) {
    return absl::InvalidArgumentError(absl::StrCat("time at row ", i, " is missing (NaT)"));
  }
  if (t > observation_end) {
    return absl::InvalidArgumentError(absl::StrCat("time at row ", i, " is ", TimeText(t),
                                                   ": after observation_end ",
                                                   TimeText(observation_end)));
  }
  return absl::InvalidArgumentError(absl::StrCat("amount at row ", i, " is ",
                                                 internal::ValueText(amounts[i]),
                                                 ": amounts must be finite and >= 0"));
}

// Summarizes the rows [first, last) of customer c (in input order) into out.
void Summarize(Entry* first, Entry* last, size_t c, RfmSummary* out) {
  out->transactions[c] = last - first;
  if (first == last) {
    out->frequency[c] = out->recency[c] = out->T[c] = out->monetary_value[c] = internal::kNaN;
    return;
  }
  bool sorted = true;
  for (Entry* p = first + 1; p < last; ++p) sorted &= p[-1].period <= p->period;
  if (!sorted) {
    // Insertion sort for the few rows a customer usually has (no allocation).
    if (last - first <= 32) {
      for (Entry* p = first + 1; p < last; ++p) {
        const Entry v = *p;
        Entry* q = p;
        for (; q > first && q[-1].period > v.period; --q) *q = q[-1];
        *q = v;
      }
    } else {
      std::sort(first, last, [](const Entry& x, const Entry& y) { return x.period < y.period; });
    }
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
  out->frequency[c] = freq;
  out->recency[c] = static_cast<double>(int64_t{prev} - p0);
  out->T[c] = -static_cast<double>(p0);
  out->monetary_value[c] = distinct > 1 ? repeat_sum / freq : 0.0;
}

// Threads for a pass over `rows` transactions (no caller option: automatic).
size_t Threads(size_t rows) { return internal::ThreadCount(0, rows, internal::kRowsPerThread / 4); }

}  // namespace

absl::StatusOr<RfmUnit> ParseRfmUnit(absl::string_view name) {
  const std::string s = absl::AsciiStrToLower(name);
  if (s == "h" || s == "hour") return RfmUnit::kHour;
  const absl::StatusOr<Frequency> f = ParseFrequency(name);
  if (!f.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "freq is \"", name, "\": use \"D\" (days), \"W\" (weeks), \"M\" (months), \"Q\" "
        "(quarters) or \"H\" (hours)"));
  }
  return ToRfmUnit(*f);
}

RfmUnit ToRfmUnit(Frequency frequency) {
  switch (frequency) {
    case Frequency::kDay:
      return RfmUnit::kDay;
    case Frequency::kWeek:
      return RfmUnit::kWeek;
    case Frequency::kMonth:
      return RfmUnit::kMonth;
    case Frequency::kQuarter:
      return RfmUnit::kQuarter;
  }
  return RfmUnit::kDay;
}

double PeriodsPerMonth(RfmUnit unit) {
  switch (unit) {
    case RfmUnit::kDay:
      return 30;
    case RfmUnit::kWeek:
      return 4.345;
    case RfmUnit::kMonth:
      return 1;
    case RfmUnit::kQuarter:
      return 1.0 / 3;
    case RfmUnit::kHour:
      return 720;
  }
  return 1;
}

absl::StatusOr<RfmSummary> SummarizeRfm(absl::Span<const int64_t> customers,
                                        int64_t n_customers,
                                        absl::Span<const int64_t> times,
                                        absl::Span<const double> amounts,
                                        int64_t observation_end, Frequency frequency) {
  return SummarizeRfm(customers, n_customers, times, amounts, observation_end,
                      ToRfmUnit(frequency));
}

absl::StatusOr<RfmSummary> SummarizeRfm(absl::Span<const int64_t> customers,
                                        int64_t n_customers,
                                        absl::Span<const int64_t> times,
                                        absl::Span<const double> amounts,
                                        int64_t observation_end, RfmUnit frequency) {
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
  if (n_customers < 0 || n_customers > kMaxRfmCustomers) {
    return absl::InvalidArgumentError(absl::StrCat("n_customers is ", n_customers,
                                                   ": must be in 0..", kMaxRfmCustomers,
                                                   " (kMaxRfmCustomers)"));
  }
  if (observation_end == kMissingTime) {
    return absl::InvalidArgumentError("observation_end is missing (NaT)");
  }
  const int64_t end_period = PeriodOf(observation_end, frequency);

  // Customers are split into at most kBuckets buckets of 2^shift
  // consecutive codes, so that grouping rows is two cache-friendly scatters
  // (rows to buckets, then within a bucket to customers) instead of one
  // random scatter over all customers.
  const size_t k = static_cast<size_t>(n_customers);
  int shift = 0;
  while ((k >> shift) >= kBuckets) ++shift;
  const size_t n_buckets = k == 0 ? 0 : ((k - 1) >> shift) + 1;
  const int64_t* cust = customers.data();
  const int64_t* tm = times.data();
  const double* am = has_amounts ? amounts.data() : nullptr;
  const size_t threads = Threads(n);

  // Pass 1: validate; rows per (chunk, bucket).
  std::vector<std::vector<int64_t>> hist(threads, std::vector<int64_t>(n_buckets + 1, 0));
  NPSCORE_RETURN_IF_ERROR(internal::RunChunks(
      n, threads, [&](size_t chunk, size_t begin, size_t end) -> absl::Status {
        int64_t* h = hist[chunk].data();
        for (size_t i = begin; i < end; ++i) {
          const int64_t c = cust[i];
          const int64_t t = tm[i];
          const bool bad_amount =
              am != nullptr && !(am[i] >= 0 && am[i] <= std::numeric_limits<double>::max());
          if (c < 0 || c >= n_customers || t == kMissingTime || t > observation_end ||
              bad_amount) {
            return RowError(i, c, n_customers, t, observation_end, am);
          }
          ++h[static_cast<size_t>(c) >> shift];
        }
        return absl::OkStatus();
      }));
  // Where each chunk writes in each bucket.
  std::vector<int64_t> bucket_start(n_buckets + 1, 0);
  for (size_t b = 0; b < n_buckets; ++b) {
    int64_t at = bucket_start[b];
    for (size_t chunk = 0; chunk < threads; ++chunk) {
      const int64_t count = hist[chunk][b];
      hist[chunk][b] = at;
      at += count;
    }
    bucket_start[b + 1] = at;
  }

  // Pass 2: each row's period, scattered to its bucket (stable).
  EntryBuffer entries(n);
  Entry* const e = entries.get();
  const int64_t min_rel = std::numeric_limits<int32_t>::min();
  NPSCORE_RETURN_IF_ERROR(internal::RunChunks(
      n, threads, [&](size_t chunk, size_t begin, size_t end) -> absl::Status {
        int64_t* next = hist[chunk].data();
        const uint32_t mask = static_cast<uint32_t>((uint64_t{1} << shift) - 1);
        for (size_t i = begin; i < end; ++i) {
          const size_t c = static_cast<size_t>(cust[i]);
          const int64_t rel = PeriodOf(tm[i], frequency) - end_period;  // <= 0
          if (rel < min_rel) {
            return absl::InvalidArgumentError(
                absl::StrCat("time at row ", i, " is ", TimeText(tm[i]),
                             ": more than 2^31 periods before observation_end"));
          }
          e[next[c >> shift]++] = {static_cast<uint32_t>(c) & mask, static_cast<int32_t>(rel),
                                   am != nullptr ? am[i] : 0.0};
        }
        return absl::OkStatus();
      }));

  // Pass 3: per bucket, group the rows by customer, then summarize each.
  RfmSummary out;
  out.frequency.resize(k);
  out.recency.resize(k);
  out.T.resize(k);
  out.monetary_value.resize(k);
  out.transactions.resize(k);
  NPSCORE_RETURN_IF_ERROR(internal::RunChunks(
      n_buckets, std::min(threads, n_buckets), [&](size_t, size_t b0, size_t b1) -> absl::Status {
        std::vector<int64_t> offset;
        std::vector<Entry> grouped;
        for (size_t b = b0; b < b1; ++b) {
          const size_t first_customer = b << shift;
          const size_t m = std::min(k, (b + 1) << shift) - first_customer;
          const Entry* rows = e + bucket_start[b];
          const size_t count = static_cast<size_t>(bucket_start[b + 1] - bucket_start[b]);
          offset.assign(m + 1, 0);
          for (size_t r = 0; r < count; ++r) ++offset[rows[r].local + 1];
          for (size_t c = 0; c < m; ++c) offset[c + 1] += offset[c];
          grouped.resize(count);
          for (size_t r = 0; r < count; ++r) grouped[static_cast<size_t>(offset[rows[r].local]++)] = rows[r];
          // offset[c] is now the end of customer c (and the start of c + 1).
          size_t begin = 0;
          for (size_t c = 0; c < m; ++c) {
            const size_t end = static_cast<size_t>(offset[c]);
            Summarize(grouped.data() + begin, grouped.data() + end, first_customer + c, &out);
            begin = end;
          }
        }
        return absl::OkStatus();
      }));
  return out;
}

}  // namespace npscore
