// Periods in every frequency across 1970-01-01 and far from it (1900, 2200),
// in zones that skipped a calendar day, checked against a plain binary search
// over the grid's starts; the grid itself is checked against absl's civil
// time, label by label. Time-zone names: IANA names of the system database
// only, never paths, and an invalid name never reaches Abseil (whose cache
// would keep it for the life of the process).

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <future>
#include <iterator>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "npscore/health.h"
#include "src/internal/time_zone.h"

namespace npscore {
namespace {

constexpr int64_t kNsPerDay = int64_t{86400} * 1000000000;
constexpr Frequency kFrequencies[] = {Frequency::kDay, Frequency::kWeek, Frequency::kMonth,
                                      Frequency::kQuarter};

absl::TimeZone Zone(const std::string& name) {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone(name, &zone)) << name;
  return zone;
}

int64_t At(const absl::CivilSecond& cs, const absl::TimeZone& zone) {
  return absl::ToUnixNanos(absl::FromCivil(cs, zone));
}

int64_t Utc(int y, int m, int d, int hh = 0) {
  return At(absl::CivilSecond(y, m, d, hh, 0, 0), absl::UTCTimeZone());
}

// The reference: the period of t by a plain binary search, -1 outside.
int32_t BinarySearch(const PeriodGrid& g, int64_t t) {
  if (t == kMissingTime) return -1;
  const ptrdiff_t p = std::upper_bound(g.starts.begin(), g.starts.end(), t) - g.starts.begin() - 1;
  return p < 0 || p >= static_cast<ptrdiff_t>(g.size()) ? -1 : static_cast<int32_t>(p);
}

// The civil day a period starts on, read back from its label.
absl::CivilDay LabelStart(const std::string& label, Frequency f) {
  const int year = std::stoi(label.substr(0, 4));
  switch (f) {
    case Frequency::kDay:
      return absl::CivilDay(year, std::stoi(label.substr(5, 2)), std::stoi(label.substr(8, 2)));
    case Frequency::kWeek: {
      // ISO 8601: week 1 is the week (Monday first) that holds January 4.
      const absl::CivilDay jan4(year, 1, 4);
      const absl::CivilDay monday = jan4 - (static_cast<int>(absl::GetWeekday(jan4)) -
                                            static_cast<int>(absl::Weekday::monday) + 7) % 7;
      return monday + 7 * (std::stoi(label.substr(6)) - 1);
    }
    case Frequency::kMonth:
      return absl::CivilDay(year, std::stoi(label.substr(5, 2)), 1);
    case Frequency::kQuarter:
      return absl::CivilDay(year, 3 * (label[5] - '1') + 1, 1);
  }
  return absl::CivilDay();
}

absl::CivilDay Next(absl::CivilDay d, Frequency f) {
  switch (f) {
    case Frequency::kDay:
      return d + 1;
    case Frequency::kWeek:
      return d + 7;
    case Frequency::kMonth:
      return absl::CivilDay(absl::CivilMonth(d) + 1);
    case Frequency::kQuarter:
      return absl::CivilDay(absl::CivilMonth(d) + 3);
  }
  return d;
}

// The start of a civil period in `zone`, cut to the nanosecond range.
int64_t StartOf(absl::CivilDay d, const absl::TimeZone& zone) {
  const absl::Time t = std::clamp(absl::FromCivil(absl::CivilSecond(d), zone),
                                  absl::FromUnixNanos(kMissingTime + 1),
                                  absl::FromUnixNanos(INT64_MAX));
  return absl::ToUnixNanos(t);
}

// Checks a grid against civil time: each start is its label's civil start
// in the zone, labels follow each other by one period except civil periods
// the zone skipped (which start at the same instant as the next one), the
// grid covers [lo, hi], and no period is empty. Returns the skipped periods.
int CheckGrid(const PeriodGrid& g, int64_t lo, int64_t hi, Frequency f,
              const std::string& zone_name) {
  const absl::TimeZone zone = Zone(zone_name);
  const size_t k = g.size();
  EXPECT_EQ(g.starts.size(), k + 1);
  EXPECT_GE(k, 1u);
  if (k == 0 || g.starts.size() != k + 1) return 0;
  EXPECT_LE(g.starts[0], lo);
  EXPECT_GT(g.starts[1], lo);
  EXPECT_LE(g.starts[k - 1], hi);
  EXPECT_GT(g.starts[k], hi);
  int skipped = 0;
  for (size_t i = 0; i < k; ++i) {
    EXPECT_LT(g.starts[i], g.starts[i + 1]) << zone_name << " " << g.labels[i];
    const absl::CivilDay c = LabelStart(g.labels[i], f);
    EXPECT_EQ(StartOf(c, zone), g.starts[i]) << zone_name << " " << g.labels[i];
    absl::CivilDay n = Next(c, f);
    if (i + 1 < k) {
      const absl::CivilDay want = LabelStart(g.labels[i + 1], f);
      for (int gap = 0; n != want && gap < 3; ++gap, n = Next(n, f)) {
        EXPECT_EQ(StartOf(n, zone), g.starts[i + 1])
            << zone_name << ": period " << absl::FormatCivilTime(n) << " is missing but exists";
        ++skipped;
      }
      EXPECT_EQ(n, want) << zone_name << " after " << g.labels[i];
    } else {
      EXPECT_EQ(StartOf(n, zone), g.starts[k]) << zone_name;
    }
  }
  return skipped;
}

// Times around a grid: uniform over [lo - pad, hi + pad], every kind of
// boundary (starts +- 1 ns), NaT and the ends of the int64 range.
std::vector<int64_t> TimesAround(const PeriodGrid& g, int64_t lo, int64_t hi, size_t n,
                                 std::mt19937_64& rng) {
  std::vector<int64_t> t;
  const int64_t pad = std::max<int64_t>(
      kNsPerDay, static_cast<int64_t>((static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo)) / 8));
  const int64_t a = lo < kMissingTime + 1 + pad ? kMissingTime + 1 : lo - pad;
  const int64_t b = hi > INT64_MAX - pad ? INT64_MAX : hi + pad;
  std::uniform_int_distribution<int64_t> uniform(a, b);
  std::uniform_int_distribution<size_t> boundary(0, g.starts.size() - 1);
  for (size_t i = 0; i < n; ++i) {
    switch (rng() % 4) {
      case 0:
      case 1:
        t.push_back(uniform(rng));
        break;
      case 2: {
        const int64_t s = g.starts[boundary(rng)];
        const int64_t d = static_cast<int64_t>(rng() % 3) - 1;
        t.push_back((d < 0 && s == kMissingTime + 1) || (d > 0 && s == INT64_MAX) ? s : s + d);
        break;
      }
      default: {
        const int64_t special[] = {kMissingTime, kMissingTime + 1, INT64_MAX, lo, hi, 0, -1, 1};
        t.push_back(special[rng() % 8]);
      }
    }
  }
  return t;
}

// AssignPeriods and HealthOverTime (which buckets while counting) agree with
// the binary search on every time; without skipping, the first NaT is named.
void CheckAssignment(const PeriodGrid& g, const std::vector<int64_t>& t, const std::string& what) {
  std::vector<int32_t> got(t.size());
  ASSERT_TRUE(AssignPeriods(t, g, absl::MakeSpan(got), /*skip_missing=*/true).ok()) << what;
  std::vector<int64_t> counts(g.size(), 0);
  for (size_t i = 0; i < t.size(); ++i) {
    const int32_t want = BinarySearch(g, t[i]);
    ASSERT_EQ(got[i], want) << what << ": time " << t[i] << " at row " << i;
    if (want >= 0) ++counts[static_cast<size_t>(want)];
  }
  const std::vector<double> scores(t.size(), 9.0);
  HealthOptions opt;
  opt.scores.missing = Missing::kSkip;
  auto table = HealthOverTime<double, int64_t>(scores, t, g, {}, 1, opt,
                                               /*skip_missing_times=*/true);
  ASSERT_TRUE(table.ok()) << what << ": " << table.status();
  for (size_t p = 0; p < g.size(); ++p) {
    ASSERT_EQ(table->n[p], counts[p]) << what << ": period " << g.labels[p];
  }
  const auto nat = std::find(t.begin(), t.end(), kMissingTime);
  if (nat != t.end()) {
    const absl::Status st = AssignPeriods(t, g, absl::MakeSpan(got));
    EXPECT_NE(st.message().find(absl::StrCat("time at row ", nat - t.begin(), " is missing")),
              std::string::npos)
        << st;
  }
}

// --- The findings: 1900 + 2024, and skipped days ------------------------------------

TEST(PeriodsAcrossEpochTest, PlaceholderIn1900KeepsMonthlyCountsOf2024) {
  // 1,200 responses in 2024 and one CRM placeholder dated 1900-01-01: the
  // grid's starts are negative and positive. Each month's count is checked
  // against the civil month of each time, found without the grid.
  std::mt19937_64 rng(1900);
  std::vector<int64_t> t;
  std::uniform_int_distribution<int64_t> in2024(Utc(2024, 1, 1), Utc(2025, 1, 1) - 1);
  for (int i = 0; i < 1200; ++i) t.push_back(in2024(rng));
  t.push_back(Utc(1900, 1, 1));
  auto g = MakePeriodGrid(*std::min_element(t.begin(), t.end()),
                          *std::max_element(t.begin(), t.end()), Frequency::kMonth);
  ASSERT_TRUE(g.ok()) << g.status();
  ASSERT_EQ(g->size(), 125u * 12);
  EXPECT_EQ(g->labels.front(), "1900-01");
  EXPECT_EQ(g->labels.back(), "2024-12");
  std::vector<int32_t> p(t.size());
  ASSERT_TRUE(AssignPeriods(t, *g, absl::MakeSpan(p)).ok());
  std::vector<int64_t> got(12, 0), want(12, 0);
  for (size_t i = 0; i < t.size(); ++i) {
    const absl::CivilMonth m(absl::ToCivilSecond(absl::FromUnixNanos(t[i]), absl::UTCTimeZone()));
    if (m.year() == 1900) {
      EXPECT_EQ(p[i], 0);
      continue;
    }
    ++want[static_cast<size_t>(m.month() - 1)];
    ASSERT_GE(p[i], 124 * 12);
    ++got[static_cast<size_t>(p[i] - 124 * 12)];
  }
  EXPECT_EQ(got, want);
  EXPECT_GT(*std::min_element(got.begin(), got.end()), 60);  // not [0, ..., 1200]
  CheckAssignment(*g, t, "1900 + 2024");
}

TEST(PeriodsAcrossEpochTest, EveryFrequencyAcrossTheEpochAndFarFromIt) {
  struct Range {
    int64_t lo, hi;
  };
  const Range ranges[] = {{Utc(1969, 11, 3), Utc(1970, 2, 17)},   // across 1970-01-01
                          {Utc(1969, 12, 31, 23), Utc(1970, 1, 1, 1)},
                          {Utc(1899, 10, 1), Utc(1900, 3, 1)},    // far before
                          {Utc(2199, 10, 1), Utc(2200, 3, 1)},    // far after
                          {Utc(1900, 1, 1), Utc(1904, 1, 1)}};
  std::mt19937_64 rng(1970);
  for (const char* zone : {"UTC", "America/New_York", "Asia/Kolkata", "Pacific/Apia"}) {
    for (Frequency f : kFrequencies) {
      for (const Range& r : ranges) {
        auto g = MakePeriodGrid(r.lo, r.hi, f, zone);
        ASSERT_TRUE(g.ok()) << g.status();
        CheckGrid(*g, r.lo, r.hi, f, zone);
        CheckAssignment(*g, TimesAround(*g, r.lo, r.hi, 4000, rng),
                        absl::StrCat(zone, " ", g->labels.front(), "..", g->labels.back()));
      }
    }
  }
}

TEST(SkippedDayTest, ADayTheZoneSkippedHasNoRow) {
  struct Case {
    const char* zone;
    absl::CivilDay skipped;
  };
  const Case cases[] = {{"Pacific/Apia", absl::CivilDay(2011, 12, 30)},
                        {"Pacific/Fakaofo", absl::CivilDay(2011, 12, 30)},
                        {"Pacific/Kwajalein", absl::CivilDay(1993, 8, 21)},
                        {"Pacific/Kiritimati", absl::CivilDay(1994, 12, 31)},
                        {"Asia/Manila", absl::CivilDay(1844, 12, 31)}};
  std::mt19937_64 rng(2011);
  for (const Case& c : cases) {
    const absl::TimeZone zone = Zone(c.zone);
    const int64_t lo = At(absl::CivilSecond(c.skipped - 3), zone);
    const int64_t hi = At(absl::CivilSecond(c.skipped + 3), zone);
    auto g = MakePeriodGrid(lo, hi, Frequency::kDay, c.zone);
    ASSERT_TRUE(g.ok()) << c.zone << ": " << g.status();
    const std::string day = absl::FormatCivilTime(c.skipped);
    EXPECT_EQ(std::count(g->labels.begin(), g->labels.end(), day), 0) << c.zone << " " << day;
    EXPECT_EQ(g->size(), 6u) << c.zone;  // 7 civil days, one of them skipped
    EXPECT_EQ(CheckGrid(*g, lo, hi, Frequency::kDay, c.zone), 1) << c.zone;
    // The day before lasts 24 h and ends where the day after starts.
    const auto before = std::find(g->labels.begin(), g->labels.end(),
                                  absl::FormatCivilTime(c.skipped - 1)) - g->labels.begin();
    ASSERT_LT(static_cast<size_t>(before) + 1, g->size());
    EXPECT_EQ(g->labels[static_cast<size_t>(before) + 1], absl::FormatCivilTime(c.skipped + 1));
    CheckAssignment(*g, TimesAround(*g, lo, hi, 4000, rng), c.zone);
    // Weeks, months and quarters across the skipped day lose no period.
    for (Frequency f : {Frequency::kWeek, Frequency::kMonth, Frequency::kQuarter}) {
      auto w = MakePeriodGrid(lo, hi, f, c.zone);
      ASSERT_TRUE(w.ok()) << w.status();
      EXPECT_EQ(CheckGrid(*w, lo, hi, f, c.zone), 0) << c.zone;
      CheckAssignment(*w, TimesAround(*w, lo, hi, 1000, rng), c.zone);
    }
  }
}

// --- The property: random grids in random zones ---------------------------------------

TEST(PeriodsPropertyTest, AssignmentEqualsBinarySearchOverRandomGrids) {
  const std::vector<std::string> zones = {
      "UTC", "Europe/Berlin", "America/New_York", "America/Sao_Paulo", "Australia/Lord_Howe",
      "Asia/Kathmandu", "America/St_Johns", "Pacific/Chatham", "Africa/Casablanca",
      "Antarctica/Troll", "Etc/GMT+12", "Etc/GMT-14", "Pacific/Apia", "Pacific/Fakaofo",
      "Pacific/Kwajalein", "Pacific/Kiritimati", "Asia/Manila"};
  const std::pair<std::string, int64_t> skips[] = {
      {"Pacific/Apia", Utc(2011, 12, 30)}, {"Pacific/Fakaofo", Utc(2011, 12, 30)},
      {"Pacific/Kwajalein", Utc(1993, 8, 21)}, {"Pacific/Kiritimati", Utc(1994, 12, 31)},
      {"Asia/Manila", Utc(1844, 12, 31)}};
  const int64_t centers[] = {Utc(1900, 1, 1), Utc(1970, 1, 1), 0, Utc(2200, 1, 1),
                             Utc(2011, 12, 30), Utc(1993, 8, 21), Utc(1994, 12, 31),
                             Utc(1844, 12, 31), Utc(1700, 6, 1), Utc(2250, 6, 1)};
  // The longest half-range per frequency, in days, within kMaxPeriods.
  const int64_t max_half_days[] = {4 * 365, 60 * 365, 280 * 365, 290 * 365};
  std::mt19937_64 rng(20111230);
  int skipped = 0;
  for (int iter = 0; iter < 1000; ++iter) {
    const std::string& zone = zones[rng() % zones.size()];
    const size_t fi = rng() % 4;
    const Frequency f = kFrequencies[fi];
    int64_t center = rng() % 4 == 0 ? std::uniform_int_distribution<int64_t>(
                                          Utc(1678, 1, 1), Utc(2262, 1, 1))(rng)
                                    : centers[rng() % std::size(centers)];
    // A zone that skipped a day: half the time, a range around that day.
    for (const auto& [name, day] : skips) {
      if (zone == name && rng() % 2) center = day;
    }
    // Widths from an hour to the longest, spread on a log scale.
    const double log_max = std::log(static_cast<double>(max_half_days[fi] * kNsPerDay));
    const double log_min = std::log(3600e9);
    auto width = [&]() {
      const double u = std::uniform_real_distribution<double>(log_min, log_max)(rng);
      return static_cast<int64_t>(std::exp(u));
    };
    const int64_t below = width(), above = width();
    const int64_t lo = center < kMissingTime + 1 + below ? kMissingTime + 1 : center - below;
    const int64_t hi = center > INT64_MAX - 1 - above ? INT64_MAX - 1 : center + above;
    auto g = MakePeriodGrid(lo, hi, f, zone);
    ASSERT_TRUE(g.ok()) << zone << " " << lo << ".." << hi << ": " << g.status();
    skipped += CheckGrid(*g, lo, hi, f, zone);
    CheckAssignment(*g, TimesAround(*g, lo, hi, 3000, rng),
                    absl::StrCat("iteration ", iter, ": ", zone, " ", g->labels.front(), "..",
                                 g->labels.back()));
    if (HasFatalFailure() || HasFailure()) break;
  }
  EXPECT_GT(skipped, 0);  // the skipped days were among the grids
}

TEST(PeriodsPropertyTest, UnevenHandMadeGridsStayExactAndBounded) {
  // Grids no calendar makes: a 1 ns period among years, periods spanning the
  // whole int64 range. The finder's table stays proportional to the periods
  // (wider buckets, a search within one), and the answers exact.
  std::mt19937_64 rng(7);
  std::vector<PeriodGrid> grids;
  PeriodGrid a;
  a.starts = {Utc(1900, 1, 1), Utc(1950, 1, 1), Utc(1950, 1, 1) + 1, Utc(1950, 1, 1) + 2,
              Utc(2200, 1, 1)};
  a.labels = {"a", "b", "c", "d"};
  grids.push_back(a);
  PeriodGrid b;
  b.starts = {kMissingTime + 1, -1, 0, 1, INT64_MAX};
  b.labels = {"a", "b", "c", "d"};
  grids.push_back(b);
  for (int r = 0; r < 20; ++r) {
    PeriodGrid c;
    std::vector<int64_t> s;
    const size_t k = 1 + rng() % 300;
    while (s.size() < k + 1) {
      // Clustered starts: a few nanoseconds apart or centuries (a day in
      // 1680..2260, added in uint64: the offset exceeds int64 nanoseconds).
      const uint64_t day = rng() % (580 * 365);
      const int64_t base = rng() % 2 ? 0
                                     : static_cast<int64_t>(static_cast<uint64_t>(Utc(1680, 1, 1)) +
                                                            day * static_cast<uint64_t>(kNsPerDay));
      s.push_back(base + static_cast<int64_t>(rng() % 16));
      std::sort(s.begin(), s.end());
      s.erase(std::unique(s.begin(), s.end()), s.end());
    }
    c.starts = s;
    c.labels.resize(k);
    grids.push_back(c);
  }
  for (const PeriodGrid& g : grids) {
    CheckAssignment(g, TimesAround(g, g.starts.front(), g.starts.back() - 1, 5000, rng),
                    "hand-made");
  }
  PeriodGrid bad;
  bad.starts = {0, 5, 5, 9};
  bad.labels = {"a", "b", "c"};
  std::vector<int64_t> t = {1};
  std::vector<int32_t> p(1);
  const absl::Status st = AssignPeriods(t, bad, absl::MakeSpan(p));
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("start 2 (5) is not after start 1 (5)"), std::string::npos) << st;
}

TEST(PeriodsPropertyTest, EndsOfTheNanosecondRange) {
  // The first period is cut at the earliest time that is not NaT, so NaT
  // stays outside every period; the last time, INT64_MAX, cannot be covered.
  auto g = MakePeriodGrid(kMissingTime + 1, kMissingTime + 2, Frequency::kMonth);
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(g->starts.front(), kMissingTime + 1);
  EXPECT_EQ(g->labels.front(), "1677-09");
  std::vector<int64_t> t = {kMissingTime, kMissingTime + 1};
  std::vector<int32_t> p(2);
  ASSERT_TRUE(AssignPeriods(t, *g, absl::MakeSpan(p), true).ok());
  EXPECT_EQ(p, (std::vector<int32_t>{-1, 0}));
  auto top = MakePeriodGrid(INT64_MAX - 5, INT64_MAX - 1, Frequency::kQuarter, "Pacific/Apia");
  ASSERT_TRUE(top.ok()) << top.status();
  EXPECT_EQ(top->starts.back(), INT64_MAX);
  auto last = MakePeriodGrid(0, INT64_MAX, Frequency::kQuarter);
  EXPECT_NE(last.status().message().find("the last nanosecond time"), std::string::npos)
      << last.status();
}

// --- Time-zone names ---------------------------------------------------------------------

// A directory for a fake time-zone database, removed at the end; TZDIR points
// at it while the object lives.
class FakeZoneDatabase {
 public:
  FakeZoneDatabase() {
    std::string tmpl = testing::TempDir() + "npscore_tzdir_XXXXXX";
    dir_ = mkdtemp(tmpl.data()) ? tmpl : "";
    EXPECT_FALSE(dir_.empty());
    setenv("TZDIR", dir_.c_str(), 1);
  }
  ~FakeZoneDatabase() {
    unsetenv("TZDIR");
    for (const std::string& f : files_) std::remove((dir_ + "/" + f).c_str());
    rmdir(dir_.c_str());
  }
  void Write(const std::string& name, const std::string& bytes) {
    std::ofstream(dir_ + "/" + name, std::ios::binary) << bytes;
    files_.push_back(name);
  }
  void Fifo(const std::string& name) {
    ASSERT_EQ(mkfifo((dir_ + "/" + name).c_str(), 0600), 0);
    files_.push_back(name);
  }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  std::vector<std::string> files_;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The system's database, found before any test points TZDIR elsewhere.
const char* SystemZoneDirectory() {
  static const std::string* const dir = new std::string(internal::TimeZoneDirectory());
  return dir->c_str();
}
const char* const kSystemZoneDirectory = SystemZoneDirectory();

// The bytes of a zone of the system's database.
std::string ZoneFile(const std::string& name) {
  const std::string data = ReadFile(absl::StrCat(kSystemZoneDirectory, "/", name));
  EXPECT_FALSE(data.empty()) << kSystemZoneDirectory << "/" << name;
  return data;
}

// A TZif header: version, then the six counts.
std::string TzifHeader(char version, uint32_t isut, uint32_t isstd, uint32_t leap, uint32_t time,
                       uint32_t type, uint32_t chars) {
  std::string h = "TZif";
  h += version;
  h += std::string(15, '\0');
  for (uint32_t v : {isut, isstd, leap, time, type, chars}) {
    for (int s = 24; s >= 0; s -= 8) h += static_cast<char>((v >> s) & 0xff);
  }
  return h;
}

std::string Message(const absl::StatusOr<absl::TimeZone>& z) {
  return std::string(z.status().message());
}

TEST(TimeZoneNameTest, PathsNulAndMalformedNamesAreRefusedNamingTheValue) {
  const std::pair<std::string, std::string> bad[] = {
      {"/usr/share/zoneinfo/Asia/Tokyo",
       R"(time_zone "/usr/share/zoneinfo/Asia/Tokyo" is not an IANA time-zone name: a path)"},
      {"file:/etc/localtime",
       R"(time_zone "file:/etc/localtime" is not an IANA time-zone name: it has the byte ':' )"
       R"(at offset 4)"},
      {"../zoneinfo/Asia/Tokyo",
       R"(time_zone "../zoneinfo/Asia/Tokyo" is not an IANA time-zone name: it has the byte )"
       R"('.' at offset 0)"},
      {std::string("Europe/Berlin\0junk", 18),
       R"(time_zone "Europe/Berlin\x00junk" is not an IANA time-zone name: it has the byte )"
       R"('\x00' at offset 13)"},
      {"/dev/stdin", R"(time_zone "/dev/stdin" is not an IANA time-zone name: a path)"},
      {"", R"(time_zone "" is not an IANA time-zone name: it is empty)"},
      {"Europe//Berlin", "an empty part"},
      {"Europe/Berlin/", "it ends with '/'"},
      {"Europe/./Berlin", "the byte '.'"},
      {"Europe/Berlin ", "the byte ' '"},
      {"Europe/Z\xc3\xbcrich",
       R"(time_zone "Europe/Z\xc3\xbcrich" is not an IANA time-zone name: it has the byte '\xc3')"},
      {"localtime", "this machine's zone"},
      {std::string(65, 'A'), "longer than 64 bytes"},
      {std::string(5000, 'A') + "\n", "... (5001 bytes)"},
      {"Mars/Olympus", R"(time_zone "Mars/Olympus" is not a zone of the time-zone database)"},
      {"Europe", R"(time_zone "Europe" is not a zone of the time-zone database)"},
      {"europe/berlin", "is not a zone of the time-zone database"},
      {"right/Europe/Berlin", "leap-second records"},
      {"zone1970", "is not a zone of the time-zone database"},
  };
  for (const auto& [name, want] : bad) {
    auto z = internal::LoadTimeZone(name, "time_zone");
    EXPECT_EQ(z.status().code(), absl::StatusCode::kInvalidArgument) << absl::CHexEscape(name);
    EXPECT_NE(Message(z).find(want), std::string::npos) << Message(z) << "\n  want: " << want;
    auto g = MakePeriodGrid(0, 1, Frequency::kDay, name);
    EXPECT_EQ(g.status().message(), z.status().message());
  }
  // A zone name must fit on a screen when quoted back.
  EXPECT_LT(Message(internal::LoadTimeZone(std::string(5000, 'A'), "tz")).size(), 300u);
}

TEST(TimeZoneNameTest, IanaNamesLoad) {
  for (const char* name : {"UTC", "Etc/UTC", "Europe/Berlin", "America/Argentina/ComodRivadavia",
                           "America/Port-au-Prince", "Etc/GMT+5", "Etc/GMT-14", "posix/Asia/Tokyo",
                           "Pacific/Apia", "EST5EDT"}) {
    auto z = internal::LoadTimeZone(name, "time_zone");
    ASSERT_TRUE(z.ok()) << z.status();
    EXPECT_EQ(z->name(), name);
  }
}

TEST(TimeZoneNameTest, EveryZoneAbseilReadsFromTheDatabaseIsAccepted) {
  // Our checks of the file refuse nothing Abseil reads: every regular file of
  // the system database with a valid name loads the same way both ways.
  const std::string root = kSystemZoneDirectory;
  std::vector<std::string> names, stack = {""};
  while (!stack.empty()) {
    const std::string rel = stack.back();
    stack.pop_back();
    std::unique_ptr<DIR, int (*)(DIR*)> d(opendir((root + "/" + rel).c_str()), closedir);
    if (!d) continue;
    while (dirent* e = readdir(d.get())) {
      const std::string n = e->d_name;
      if (n == "." || n == "..") continue;
      const std::string path = rel.empty() ? n : rel + "/" + n;
      struct stat st;
      if (stat((root + "/" + path).c_str(), &st) != 0) continue;
      if (S_ISDIR(st.st_mode)) {
        stack.push_back(path);
      } else if (internal::CheckTimeZoneName(path, "tz").ok()) {
        names.push_back(path);
      }
    }
  }
  ASSERT_GT(names.size(), 400u) << "no time-zone database at " << root;
  int zones = 0;
  for (const std::string& name : names) {
    absl::TimeZone zone;
    const bool absl_ok = absl::LoadTimeZone(name, &zone);
    const bool ours = internal::LoadTimeZone(name, "tz").ok();
    if (name.rfind("right/", 0) == 0 || name == "localtime") {
      EXPECT_FALSE(ours) << name;
      continue;
    }
    EXPECT_EQ(ours, absl_ok) << name;
    zones += ours;
  }
  EXPECT_GT(zones, 400);
}

TEST(TimeZoneFileTest, FifoIsRefusedWithoutBlocking) {
  FakeZoneDatabase db;
  db.Fifo("Fifo_Zone");
  auto result = std::async(std::launch::async, [] {
    return internal::LoadTimeZone("Fifo_Zone", "time_zone").status();
  });
  if (result.wait_for(std::chrono::seconds(20)) != std::future_status::ready) {
    ADD_FAILURE() << "LoadTimeZone blocked on a FIFO";
    std::_Exit(1);  // the blocked thread cannot be joined
  }
  const absl::Status st = result.get();
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("time_zone \"Fifo_Zone\""), std::string::npos) << st;
  EXPECT_NE(st.message().find("not a regular file"), std::string::npos) << st;
}

TEST(TimeZoneFileTest, CraftedAndOversizedFilesAreRefusedBeforeAbseil) {
  FakeZoneDatabase db;
  // 613 bytes whose header claims 2^31 transitions: Abseil would allocate
  // gigabytes for them before finding the file short.
  std::string crafted =
      TzifHeader('2', 0, 0, 0, 0, 1, 4) + std::string(6, '\0') + std::string("UTC\0", 4);
  crafted += TzifHeader('2', 0, 0, 0, 0x7fffffff, 0x7fffffff, 0x7fffffff);
  crafted.resize(613, 'x');
  db.Write("Crafted_Zone", crafted);
  db.Write("Huge_Zone", std::string(internal::kMaxTimeZoneFileBytes + 1, 'T'));
  const auto start = std::chrono::steady_clock::now();
  auto z = internal::LoadTimeZone("Crafted_Zone", "time_zone");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  EXPECT_NE(Message(z).find("is not a usable zone file: its header counts need"),
            std::string::npos)
      << z.status();
  EXPECT_NE(Message(internal::LoadTimeZone("Huge_Zone", "time_zone")).find("65537 bytes"),
            std::string::npos);
  // A copy of a real zone under a new name loads (the checks are not a list
  // of known names).
  db.Write("Copy_Of_Berlin", ZoneFile("Europe/Berlin"));
  auto copy = internal::LoadTimeZone("Copy_Of_Berlin", "time_zone");
  ASSERT_TRUE(copy.ok()) << copy.status();
  EXPECT_EQ(absl::FormatTime("%z", absl::FromUnixSeconds(1719835200), *copy), "+0200");
}

TEST(TimeZoneFileTest, TzifChecks) {
  const std::string v1 = TzifHeader('\0', 1, 1, 0, 1, 1, 4) + std::string(4 + 1 + 6, '\0') +
                         std::string("UTC\0", 4) + std::string(2, '\0');
  EXPECT_TRUE(internal::CheckTzif(v1).ok()) << internal::CheckTzif(v1);
  EXPECT_NE(internal::CheckTzif(v1 + "x").message().find("1 bytes after the data"),
            std::string::npos);
  EXPECT_FALSE(internal::CheckTzif(v1.substr(0, v1.size() - 1)).ok());
  const std::string block2 = std::string(8 + 1 + 6, '\0') + std::string("UTC\0", 4);
  const std::string v2 = TzifHeader('2', 0, 0, 0, 0, 1, 4) + std::string(6, '\0') +
                         std::string("UTC\0", 4) + TzifHeader('2', 0, 0, 0, 1, 1, 4) + block2 +
                         "\nUTC0\n";
  EXPECT_TRUE(internal::CheckTzif(v2).ok()) << internal::CheckTzif(v2);
  EXPECT_FALSE(internal::CheckTzif(v2.substr(0, v2.size() - 1)).ok());  // footer cut
  EXPECT_FALSE(internal::CheckTzif(v2 + "more\n").ok());               // two lines
  std::string wrong_version = v2;
  wrong_version[4] = '9';
  EXPECT_NE(internal::CheckTzif(wrong_version).message().find("unknown TZif version"),
            std::string::npos);
  EXPECT_NE(internal::CheckTzif(TzifHeader('\0', 2, 0, 0, 0, 1, 1) + std::string(9, '\0'))
                .message()
                .find("inconsistent header counts"),
            std::string::npos);
  EXPECT_NE(internal::CheckTzif(TzifHeader('\0', 0, 0, 1, 0, 1, 1) + std::string(15, '\0'))
                .message()
                .find("leap-second"),
            std::string::npos);
  EXPECT_FALSE(internal::CheckTzif("TZif").ok());
  EXPECT_FALSE(internal::CheckTzif("").ok());
  // Every real zone file passes.
  for (const char* name : {"Europe/Berlin", "Pacific/Apia", "Asia/Manila", "UTC"}) {
    const std::string data = ZoneFile(name);
    EXPECT_TRUE(internal::CheckTzif(data).ok()) << name << ": " << internal::CheckTzif(data);
  }
}

TEST(TimeZoneCacheTest, InvalidNamesNeverReachAbseil) {
  // Abseil caches every name it was given, failures too. A name we refused
  // never got there: once a file of that name appears, it loads, which it
  // could not if Abseil had cached the failure.
  FakeZoneDatabase db;
  ASSERT_FALSE(internal::LoadTimeZone("Later/Zone", "time_zone").ok());
  ASSERT_EQ(mkdir((db.dir() + "/Later").c_str(), 0700), 0);
  db.Write("Later/Zone", ZoneFile("Asia/Tokyo"));
  auto later = internal::LoadTimeZone("Later/Zone", "time_zone");
  EXPECT_TRUE(later.ok()) << later.status();
  std::remove((db.dir() + "/Later/Zone").c_str());
  rmdir((db.dir() + "/Later").c_str());
}

TEST(TimeZoneCacheTest, TwentyThousandInvalidNamesLeaveNoLastingAllocation) {
#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
  // Warm up (first messages, getenv), then measure what stays allocated.
  for (int i = 0; i < 100; ++i) {
    (void)MakePeriodGrid(0, 1, Frequency::kDay, "Warm/Up" + std::to_string(i));
  }
  const size_t before = mallinfo2().uordblks;
  for (int i = 0; i < 20000; ++i) {
    // Half too long (5 kB), half well-formed but not in the database.
    const std::string name = i % 2 ? std::string(5000, 'a') + std::to_string(i)
                                   : "Nowhere/City_" + std::to_string(i);
    EXPECT_FALSE(MakePeriodGrid(0, 1, Frequency::kDay, name).ok());
  }
  const size_t after = mallinfo2().uordblks;
  EXPECT_LT(after, before + (size_t{1} << 20)) << "grew by " << (after - before) << " bytes";
#else
  GTEST_SKIP() << "needs glibc's mallinfo2 without a sanitizer's allocator";
#endif
}

}  // namespace
}  // namespace npscore
