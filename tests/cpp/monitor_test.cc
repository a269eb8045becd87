#include "npscore/monitor.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "npscore/health.h"
#include "npscore/nps.h"
#include "npscore/priority.h"
#include "src/internal/byte_io.h"
#include "src/internal/splitmix64.h"

namespace npscore {
namespace {

constexpr int64_t kHour = 3600LL * 1000000000LL;
constexpr int64_t kDay = 24 * kHour;
constexpr int64_t kT0 = 1750000000LL * 1000000000LL / kDay * kDay;  // a UTC midnight, June 2025
const double kNaN = std::numeric_limits<double>::quiet_NaN();

using internal::SplitMix64;

double Uniform(SplitMix64& rng) { return (rng.Next() >> 11) * 0x1.0p-53; }

// A generated stream: `n` responses of `customers` customers over `days`
// days, in time order (unique (customer, time)); from `shift_day` on the
// scores lean towards detractors, so that windows after it shift. Owners are
// given per response when `owners` > 0.
std::vector<MonitorResponse> Stream(int n, int customers, int days, int shift_day, int n_slices,
                                    int owners, uint64_t seed) {
  SplitMix64 rng(seed);
  std::vector<MonitorResponse> out(n);
  for (int i = 0; i < n; ++i) {
    MonitorResponse& r = out[i];
    r.customer = static_cast<int64_t>(rng.Below(customers)) * 7919 - 1000;  // sparse, some negative
    r.time = kT0 + static_cast<int64_t>(Uniform(rng) * days * kDay);
    const bool shifted = r.time >= kT0 + shift_day * kDay;
    const double u = Uniform(rng);
    const double det = shifted ? 0.40 : 0.15, pas = 0.30;
    r.score = u < det ? static_cast<double>(rng.Below(7)) : (u < det + pas ? 7.0 + rng.Below(2) : 9.0 + rng.Below(2));
    r.slice = static_cast<int32_t>(rng.Below(n_slices));
    r.clv = 100 + 5000 * Uniform(rng);
    r.churn_risk = Uniform(rng);
    if (i % 11 == 0) r.clv = kNaN;  // unknown value: the priority is NaN
    r.owner = owners > 0 ? static_cast<int32_t>(rng.Below(owners)) : -1;
  }
  std::sort(out.begin(), out.end(), [](const MonitorResponse& a, const MonitorResponse& b) {
    return std::tie(a.time, a.customer) < std::tie(b.time, b.customer);
  });
  out.erase(std::unique(out.begin(), out.end(),
                        [](const MonitorResponse& a, const MonitorResponse& b) {
                          return a.time == b.time && a.customer == b.customer;
                        }),
            out.end());
  return out;
}

// The stream in an arrival order that keeps each response within `lateness`
// of the latest time before it: sorted by time plus a random delay in [0, lateness).
std::vector<MonitorResponse> Shuffled(std::vector<MonitorResponse> v, int64_t lateness, uint64_t seed) {
  SplitMix64 rng(seed);
  std::vector<std::pair<int64_t, size_t>> arrival(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    arrival[i] = {v[i].time + static_cast<int64_t>(rng.Below(static_cast<uint64_t>(lateness))), i};
  }
  std::sort(arrival.begin(), arrival.end());
  std::vector<MonitorResponse> out;
  for (const auto& [a, i] : arrival) out.push_back(v[i]);
  return out;
}

Monitor Make(const MonitorOptions& o) {
  absl::StatusOr<Monitor> m = Monitor::Create(o);
  EXPECT_TRUE(m.ok()) << m.status();
  return *std::move(m);
}

// Feeds `stream`; after each case opens, every third case is contacted
// (sometimes after its deadline) and every fifth closed, decided by the
// customer so that any monitor holding the customer does the same.
std::vector<Alert> Feed(Monitor& m, const std::vector<MonitorResponse>& stream) {
  std::vector<Alert> alerts;
  for (const MonitorResponse& r : stream) {
    const size_t before = alerts.size();
    absl::Status s = m.Ingest(r, &alerts);
    EXPECT_TRUE(s.ok()) << s;
    for (size_t k = before; k < alerts.size(); ++k) {
      const Alert& a = alerts[k];
      if (a.kind != AlertKind::kCaseOpened) continue;
      const uint64_t h = static_cast<uint64_t>(a.key.customer) * 0x9E3779B97F4A7C15ull + a.key.responded_at;
      if (h % 3 == 0) {
        EXPECT_TRUE(m.RecordContact(a.key, a.key.responded_at + static_cast<int64_t>(h % 40) * kHour).ok());
      }
      if (h % 5 == 0) {
        EXPECT_TRUE(m.CloseCase(a.key, a.key.responded_at + 50 * kHour, CaseOutcome::kRecovered).ok());
      }
    }
  }
  return alerts;
}

MonitorOptions Options() {
  MonitorOptions o;
  o.open_passives = true;
  o.n_slices = 3;
  o.capacities = {1000, 1000, 1000, 1000};
  o.lateness_hours = 6;
  o.shift_step_hours = 24;
  o.shift_window_steps = 3;
  return o;
}

// --- Options --------------------------------------------------------------------------

TEST(MonitorOptions, ErrorsNameTheOption) {
  MonitorOptions o;
  o.sla_hours = 0;
  EXPECT_NE(ValidateMonitorOptions(o).message().find("sla_hours is 0"), std::string::npos);
  o = {};
  o.n_slices = 0;
  EXPECT_NE(ValidateMonitorOptions(o).message().find("n_slices is 0"), std::string::npos);
  o = {};
  o.lateness_hours = -1;
  EXPECT_NE(ValidateMonitorOptions(o).message().find("lateness_hours is -1"), std::string::npos);
  o = {};
  o.shift_alpha = 1;
  EXPECT_NE(ValidateMonitorOptions(o).message().find("shift_alpha is 1"), std::string::npos);
  o = {};
  o.capacities = {3, -1};
  EXPECT_NE(ValidateMonitorOptions(o).message().find("capacity of owner 1 is -1"), std::string::npos);
  o = {};
  o.n_slices = kMaxMonitorSlices;
  o.shift_step_hours = 0.1;  // 240 steps of lateness: 256 steps a slice
  EXPECT_NE(ValidateMonitorOptions(o).message().find("kMaxMonitorRingSteps"), std::string::npos);
  EXPECT_TRUE(ValidateMonitorOptions(MonitorOptions{}).ok());
  o = {};
  o.health = true;
  o.time_zone = "Mars/Olympus_Mons";
  EXPECT_NE(ValidateMonitorOptions(o).message().find("Mars/Olympus_Mons"), std::string::npos)
      << ValidateMonitorOptions(o);
  o.time_zone = "Europe/Berlin";
  EXPECT_TRUE(ValidateMonitorOptions(o).ok());
  o.health_thresholds.drop_alpha = 2;
  EXPECT_NE(ValidateMonitorOptions(o).message().find("drop_alpha"), std::string::npos)
      << ValidateMonitorOptions(o);
  o.health = false;  // unused thresholds are not read
  EXPECT_TRUE(ValidateMonitorOptions(o).ok());
}

// --- Cases and the priority module --------------------------------------------------------

TEST(Monitor, CasePriorityAndDeadlineEqualPrioritize) {
  MonitorOptions o = Options();
  o.open_promoters = true;
  o.recovery = {{0, 2, 30, 100}, {0.7, 0.6, 0.3, 0.02}};
  o.urgency_hours = 12;
  o.sla_hours = 20;
  o.passive_sla_hours = 50.5;
  o.promoter_sla_hours = 100;
  Monitor m = Make(o);
  const std::vector<MonitorResponse> stream = Stream(3000, 800, 20, 1000, 3, 0, 1);
  std::vector<Alert> alerts;
  for (const MonitorResponse& r : stream) ASSERT_TRUE(m.Ingest(r, &alerts).ok());

  PriorityOptions po;
  po.sla_hours = o.sla_hours;
  po.passive_sla_hours = o.passive_sla_hours;
  po.promoter_sla_hours = o.promoter_sla_hours;
  po.recovery = o.recovery;
  po.urgency_hours = o.urgency_hours;
  po.window_hours = std::numeric_limits<double>::infinity();
  std::map<std::pair<int64_t, int64_t>, const MonitorResponse*> by_key;
  for (const MonitorResponse& r : stream) by_key[{r.customer, r.time}] = &r;
  int opened = 0, nan = 0;
  for (const Alert& a : alerts) {
    if (a.kind != AlertKind::kCaseOpened) continue;
    ++opened;
    const MonitorResponse& r = *by_key.at({a.key.customer, a.key.responded_at});
    if (std::isnan(r.clv)) {  // Prioritize needs a value: the monitor gives no priority
      EXPECT_TRUE(std::isnan(a.priority));
      ++nan;
      continue;
    }
    const int8_t seg = r.score <= 6 ? -1 : (r.score <= 8 ? 0 : 1);
    ASSERT_EQ(a.segment, seg);
    const double risk[] = {r.churn_risk}, clv[] = {r.clv};
    const int8_t segs[] = {seg};
    const int64_t at[] = {r.time};
    absl::StatusOr<PriorityQueue> q = Prioritize({risk, clv, segs, at, r.time}, po);
    ASSERT_TRUE(q.ok()) << q.status();
    ASSERT_EQ(q->size(), 1u);
    EXPECT_EQ(a.priority, q->priority[0]);  // the same code: bit for bit
    EXPECT_EQ(a.deadline, q->deadline[0]);
    EXPECT_STREQ(a.play(), PlayName(seg));
  }
  EXPECT_EQ(opened, static_cast<int>(stream.size()));  // every segment opens here
  EXPECT_GT(nan, 0);

  // The snapshot's open cases carry the queue's priorities at the clock.
  const MonitorSnapshot s = m.Snapshot();
  std::vector<double> risk, clv;
  std::vector<int8_t> seg;
  std::vector<int64_t> at;
  for (const CaseRecord& c : s.open_cases) {
    if (std::isnan(c.clv)) continue;
    risk.push_back(c.churn_risk);
    clv.push_back(c.clv);
    seg.push_back(c.segment);
    at.push_back(c.key.responded_at);
  }
  absl::StatusOr<PriorityQueue> q = Prioritize({risk, clv, seg, at, s.clock}, po);
  ASSERT_TRUE(q.ok()) << q.status();
  ASSERT_EQ(q->size(), risk.size());
  std::vector<double> by_row(risk.size());
  for (size_t i = 0; i < q->size(); ++i) by_row[q->row[i]] = q->priority[i];
  size_t i = 0;
  for (const CaseRecord& c : s.open_cases) {
    if (std::isnan(c.clv)) continue;
    EXPECT_EQ(c.priority, by_row[i]) << i;
    ++i;
  }
}

TEST(Monitor, BreachesOnceWithoutTimelyContact) {
  MonitorOptions o;
  o.lateness_hours = 0;
  Monitor m = Make(o);
  std::vector<Alert> alerts;
  const auto ingest = [&](int64_t customer, double score, int64_t t) {
    MonitorResponse r;
    r.customer = customer;
    r.score = score;
    r.time = t;
    ASSERT_TRUE(m.Ingest(r, &alerts).ok());
  };
  ingest(1, 3, kT0);              // contacted in time
  ingest(2, 0, kT0 + kHour);      // never contacted
  ingest(3, 6, kT0 + 2 * kHour);  // contacted after its deadline
  ingest(4, 9, kT0 + 3 * kHour);  // a promoter: no case
  ASSERT_EQ(alerts.size(), 3u);
  ASSERT_TRUE(m.RecordContact({1, kT0}, kT0 + 24 * kHour).ok());  // at the deadline: in time
  ASSERT_TRUE(m.RecordContact({3, kT0 + 2 * kHour}, kT0 + 30 * kHour).ok());
  alerts.clear();
  ASSERT_TRUE(m.Advance(kT0 + 25 * kHour, &alerts).ok());  // at case 2's deadline: not yet
  EXPECT_TRUE(alerts.empty());
  ASSERT_TRUE(m.Advance(kT0 + 25 * kHour + 1, &alerts).ok());  // past case 2's deadline only
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].kind, AlertKind::kSlaBreach);
  EXPECT_EQ(alerts[0].key.customer, 2);
  EXPECT_EQ(alerts[0].time, kT0 + 25 * kHour);  // its deadline
  EXPECT_EQ(alerts[0].deadline, kT0 + 25 * kHour);
  alerts.clear();
  ASSERT_TRUE(m.Advance(kT0 + 100 * kHour, &alerts).ok());
  ASSERT_EQ(alerts.size(), 1u);  // case 3; case 2 is not raised twice
  EXPECT_EQ(alerts[0].key.customer, 3);
  ASSERT_TRUE(m.Advance(kT0 + 50 * kHour, &alerts).ok());  // the clock never goes back
  EXPECT_EQ(m.clock(), kT0 + 100 * kHour);
  const MonitorSnapshot s = m.Snapshot();
  EXPECT_EQ(s.breaches, 2);
  EXPECT_EQ(s.counts.detractors, 3);
  EXPECT_EQ(s.counts.promoters, 1);
  ASSERT_EQ(s.open_cases.size(), 3u);
  absl::StatusOr<CaseRecord> closed = m.CloseCase({2, kT0 + kHour}, kT0 + 101 * kHour, CaseOutcome::kChurned);
  ASSERT_TRUE(closed.ok());
  EXPECT_TRUE(closed->breached);
  EXPECT_EQ(closed->contacted_at, INT64_MIN);
  EXPECT_EQ(closed->closed_at, kT0 + 101 * kHour);
  EXPECT_EQ(m.Snapshot().cases_closed[2], 1);
  EXPECT_EQ(m.CloseCase({2, kT0 + kHour}, kT0 + 102 * kHour, CaseOutcome::kChurned).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_NE(m.RecordContact({1, kT0}, kT0 - 1).message().find("before its response"), std::string::npos);
}

TEST(Monitor, OwnersRoundRobinWithinCapacities) {
  MonitorOptions o;
  o.capacities = {1, 2};
  Monitor m = Make(o);
  std::vector<Alert> alerts;
  for (int c = 0; c < 4; ++c) {
    MonitorResponse r;
    r.customer = c;
    r.score = 2;
    r.time = kT0 + c;
    ASSERT_TRUE(m.Ingest(r, &alerts).ok());
  }
  ASSERT_EQ(alerts.size(), 4u);
  EXPECT_EQ(alerts[0].owner, 0);
  EXPECT_EQ(alerts[1].owner, 1);
  EXPECT_EQ(alerts[2].owner, 1);   // owner 0 is full
  EXPECT_EQ(alerts[3].owner, -1);  // everyone is full
  ASSERT_TRUE(m.CloseCase(alerts[0].key, kT0 + 10, CaseOutcome::kRecovered).ok());
  MonitorResponse r;
  r.customer = 9;
  r.score = 1;
  r.time = kT0 + 20;
  alerts.clear();
  ASSERT_TRUE(m.Ingest(r, &alerts).ok());
  EXPECT_EQ(alerts[0].owner, 0);  // a freed place
  r.customer = 10;
  r.owner = 0;  // given: assigned even at capacity
  alerts.clear();
  ASSERT_TRUE(m.Ingest(r, &alerts).ok());
  EXPECT_EQ(alerts[0].owner, 0);
  const MonitorSnapshot s = m.Snapshot();
  EXPECT_EQ(s.owner_load, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(s.unassigned, 1);
  r.customer = 11;
  r.owner = 2;
  EXPECT_NE(m.Ingest(r, &alerts).message().find("owners are 0..1"), std::string::npos);
}

// --- Time ---------------------------------------------------------------------------------

TEST(Monitor, LateResponsesAreErrorsOrCounted) {
  MonitorOptions o;
  o.lateness_hours = 2;
  Monitor m = Make(o);
  MonitorResponse r;
  r.customer = 5;
  r.score = 8;
  r.time = kT0 + 10 * kHour;
  ASSERT_TRUE(m.Ingest(r, nullptr).ok());
  r.time = kT0 + 8 * kHour;  // exactly at the bound: accepted
  ASSERT_TRUE(m.Ingest(r, nullptr).ok());
  r.customer = 6;
  r.time = kT0 + 8 * kHour - 1;
  const absl::Status late = m.Ingest(r, nullptr);
  EXPECT_NE(late.message().find("the response of customer 6 at"), std::string::npos) << late;
  EXPECT_NE(late.message().find("is late"), std::string::npos) << late;
  EXPECT_EQ(m.Snapshot().responses, 2);  // unchanged by the error

  o.late = LateResponses::kCount;
  Monitor counted = Make(o);
  r.time = kT0 + 10 * kHour;
  ASSERT_TRUE(counted.Ingest(r, nullptr).ok());
  r.time = kT0;
  ASSERT_TRUE(counted.Ingest(r, nullptr).ok());
  EXPECT_EQ(counted.Snapshot().late, 1);
  EXPECT_EQ(counted.Snapshot().responses, 1);
}

TEST(Monitor, ArrivalOrderWithinTheBoundChangesNothing) {
  const MonitorOptions o = Options();
  const std::vector<MonitorResponse> stream = Stream(6000, 1500, 30, 15, 3, 4, 2);
  Monitor a = Make(o), b = Make(o);
  Feed(a, stream);
  Feed(b, Shuffled(stream, 6 * kHour, 3));
  ASSERT_TRUE(a.Advance(kT0 + 40 * kDay, nullptr).ok());
  ASSERT_TRUE(b.Advance(kT0 + 40 * kDay, nullptr).ok());
  EXPECT_EQ(a.Serialize(), b.Serialize());
}

// --- Rolling windows -------------------------------------------------------------------

TEST(Monitor, NpsShiftEqualsComparingTheWindowsDirectly) {
  MonitorOptions o = Options();
  const std::vector<MonitorResponse> stream = Stream(8000, 3000, 30, 15, 3, 0, 4);
  Monitor m = Make(o);
  std::vector<Alert> alerts = Feed(m, Shuffled(stream, 5 * kHour, 5));
  const int64_t end = kT0 + 45 * kDay;
  ASSERT_TRUE(m.Advance(end, &alerts).ok());

  // Every window end e (a UTC midnight) with e + lateness <= the clock, by hand.
  std::vector<std::tuple<int64_t, int32_t, double, double>> expected, got;
  const int64_t W = o.shift_window_steps * kDay;
  for (int64_t e = kT0 - 10 * kDay; e + 6 * kHour <= end; e += kDay) {
    for (int32_t slice = -1; slice < o.n_slices; ++slice) {
      Counts cur, prev;
      for (const MonitorResponse& r : stream) {
        if (slice >= 0 && r.slice != slice) continue;
        Counts* c = r.time >= e - W && r.time < e ? &cur : (r.time >= e - 2 * W && r.time < e - W ? &prev : nullptr);
        if (c == nullptr) continue;
        (r.score <= 6 ? c->detractors : (r.score <= 8 ? c->passives : c->promoters)) += 1;
      }
      if (cur.n() < o.shift_min_n || prev.n() < o.shift_min_n) continue;
      const Comparison cmp = *Compare(*Summarize(cur), *Summarize(prev), CompareOptions{});
      if (cmp.p_value < o.shift_alpha) expected.emplace_back(e, slice, cmp.diff, cmp.p_value);
    }
  }
  for (const Alert& a : alerts) {
    if (a.kind == AlertKind::kNpsShift) got.emplace_back(a.window_end, a.slice, a.diff, a.p_value);
  }
  std::sort(got.begin(), got.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_GT(expected.size(), 3u);  // the generated drop is found
  EXPECT_EQ(got, expected);
  for (const auto& [e, slice, diff, p] : expected) EXPECT_LT(diff, 0) << e;  // only the drop
}

TEST(Monitor, SnapshotWindowsAndCounts) {
  MonitorOptions o = Options();
  const std::vector<MonitorResponse> stream = Stream(4000, 1000, 20, 1000, 3, 0, 6);
  Monitor m = Make(o);
  for (const MonitorResponse& r : stream) ASSERT_TRUE(m.Ingest(r, nullptr).ok());
  const MonitorSnapshot s = m.Snapshot();
  const int64_t end = (s.clock / kDay + 1) * kDay;
  EXPECT_EQ(s.window_end, end);
  Counts all, cur, prev;
  std::vector<Counts> by_slice(3), cur_slice(3);
  for (const MonitorResponse& r : stream) {
    const auto add = [&](Counts& c) { (r.score <= 6 ? c.detractors : (r.score <= 8 ? c.passives : c.promoters)) += 1; };
    add(all);
    add(by_slice[r.slice]);
    if (r.time >= end - 3 * kDay) {
      add(cur);
      add(cur_slice[r.slice]);
    } else if (r.time >= end - 6 * kDay) {
      add(prev);
    }
  }
  EXPECT_EQ(s.counts.detractors, all.detractors);
  EXPECT_EQ(s.counts.passives, all.passives);
  EXPECT_EQ(s.counts.promoters, all.promoters);
  EXPECT_EQ(s.responses, all.n());
  for (int k = 0; k < 3; ++k) EXPECT_EQ(s.slice_counts[k].n(), by_slice[k].n());
  const Summary want = *Summarize(cur);
  EXPECT_EQ(s.window.n, want.n);
  EXPECT_EQ(s.window.nps, want.nps);
  EXPECT_EQ(s.window.ci_low, want.ci_low);
  EXPECT_EQ(s.window.ci_high, want.ci_high);
  EXPECT_EQ(s.previous_window.n, static_cast<double>(prev.n()));
  for (int k = 0; k < 3; ++k) EXPECT_EQ(s.slice_window[k].nps, Summarize(cur_slice[k])->nps);
  EXPECT_LE(s.window.ci_low, s.window.nps);
  EXPECT_GE(s.window.ci_high, s.window.nps);
}

// --- Batches ------------------------------------------------------------------------------

TEST(Monitor, BatchEqualsOneByOneAndNamesTheBadRow) {
  const MonitorOptions o = Options();
  const std::vector<MonitorResponse> stream = Shuffled(Stream(5000, 1200, 20, 10, 3, 4, 7), 5 * kHour, 8);
  Monitor one = Make(o), batch = Make(o);
  std::vector<Alert> a1, a2;
  for (const MonitorResponse& r : stream) ASSERT_TRUE(one.Ingest(r, &a1).ok());
  std::vector<int64_t> customer, time;
  std::vector<double> score, clv, risk;
  std::vector<int32_t> slice, owner;
  for (const MonitorResponse& r : stream) {
    customer.push_back(r.customer);
    time.push_back(r.time);
    score.push_back(r.score);
    clv.push_back(r.clv);
    risk.push_back(r.churn_risk);
    slice.push_back(r.slice);
    owner.push_back(r.owner);
  }
  ASSERT_TRUE(batch.IngestBatch({customer, score, time, slice, clv, risk, owner}, &a2).ok());
  EXPECT_EQ(one.Serialize(), batch.Serialize());
  ASSERT_EQ(a1.size(), a2.size());
  for (size_t i = 0; i < a1.size(); ++i) {
    EXPECT_EQ(a1[i].kind, a2[i].kind);
    EXPECT_EQ(a1[i].key, a2[i].key);
  }

  Monitor bad = Make(o);
  score[100] = 11;
  const absl::Status s = bad.IngestBatch({customer, score, time, slice, clv, risk, owner}, nullptr);
  EXPECT_NE(s.message().find("score of row 100 (customer "), std::string::npos) << s;
  EXPECT_NE(s.message().find("is 11"), std::string::npos) << s;
  EXPECT_EQ(bad.Snapshot().responses, 100);  // the rows before it
  EXPECT_NE(bad.IngestBatch({customer, score, {time.data(), 3}}, nullptr).message().find("time has 3 rows"),
            std::string::npos);
}

TEST(Monitor, BadResponsesNameTheResponse) {
  MonitorOptions o;
  o.n_slices = 2;
  Monitor m = Make(o);
  const auto err = [&](MonitorResponse r) { return std::string(m.Ingest(r, nullptr).message()); };
  MonitorResponse r;
  r.customer = 42;
  r.time = kT0;
  r.score = 6.5;
  EXPECT_NE(err(r).find("score of the response of customer 42 at"), std::string::npos);
  r.score = kNaN;
  EXPECT_NE(err(r).find("is NaN"), std::string::npos);
  r.score = 3;
  r.slice = 2;
  EXPECT_NE(err(r).find("slice codes must be in 0..1"), std::string::npos);
  r.slice = 0;
  r.clv = -1;
  EXPECT_NE(err(r).find("clv of the response of customer 42"), std::string::npos);
  r.clv = 10;
  r.churn_risk = 1.5;
  EXPECT_NE(err(r).find("churn_risk of the response of customer 42"), std::string::npos);
  r.churn_risk = 0.5;
  r.owner = 0;
  EXPECT_NE(err(r).find("has no owners"), std::string::npos);
  r.owner = -1;
  r.time = INT64_MIN;
  EXPECT_NE(err(r).find("missing (NaT)"), std::string::npos);
  r.time = kT0;
  ASSERT_TRUE(m.Ingest(r, nullptr).ok());
  EXPECT_NE(err(r).find("cannot answer twice at one instant"), std::string::npos);
  EXPECT_EQ(m.Snapshot().responses, 1);
  EXPECT_FALSE(m.Advance(INT64_MIN, nullptr).ok());
}

// --- State ----------------------------------------------------------------------------------

TEST(MonitorState, RoundTripIsExactAndBehavesTheSame) {
  const MonitorOptions o = Options();
  const std::vector<MonitorResponse> stream = Shuffled(Stream(6000, 1500, 30, 15, 3, 0, 9), 5 * kHour, 10);
  const std::vector<MonitorResponse> first(stream.begin(), stream.begin() + 3000);
  const std::vector<MonitorResponse> rest(stream.begin() + 3000, stream.end());
  Monitor m = Make(o);
  Feed(m, first);
  const std::string bytes = m.Serialize();
  absl::StatusOr<Monitor> back = Monitor::Restore(bytes);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->Serialize(), bytes);
  // Both go on alike: the same alerts, the same state.
  const std::vector<Alert> a = Feed(m, rest), b = Feed(*back, rest);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].kind, b[i].kind);
    EXPECT_EQ(a[i].key, b[i].key);
    EXPECT_EQ(a[i].owner, b[i].owner);
    EXPECT_EQ(a[i].time, b[i].time);
  }
  EXPECT_EQ(m.Serialize(), back->Serialize());
  // An empty monitor too.
  const std::string empty = Make(o).Serialize();
  ASSERT_TRUE(Monitor::Restore(empty).ok());
  EXPECT_EQ(Monitor::Restore(empty)->Serialize(), empty);
}

// The bytes of a small monitor: two slices, owners given, a few hundred
// responses; with health periods (days in Berlin) by option.
std::string SmallState(int n, uint64_t seed, bool health = false) {
  MonitorOptions o = Options();
  o.n_slices = 2;
  o.health = health;
  o.health_frequency = Frequency::kDay;
  o.time_zone = "Europe/Berlin";
  Monitor m = Make(o);
  Feed(m, Stream(n, n / 3, 5, 1000, 2, 4, seed));
  return m.Serialize();
}

TEST(MonitorState, DamageIsAnErrorNeverAWrongState) {
 for (bool health : {false, true}) {
  const std::string bytes = SmallState(300, 11, health);
  // Every byte changed, in turn.
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string bad = bytes;
    bad[i] = static_cast<char>(bad[i] ^ (1 + i % 255));
    EXPECT_FALSE(Monitor::Restore(bad).ok()) << "byte " << i;
  }
  // Every truncation, and one byte too many.
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(Monitor::Restore(bytes.substr(0, n)).ok()) << n;
  }
  EXPECT_FALSE(Monitor::Restore(bytes + "x").ok());
  // Another version.
  std::string v2 = bytes;
  v2[8] = 2;
  const absl::Status s = Monitor::Restore(v2).status();
  EXPECT_NE(s.message().find("format version 2 is not supported"), std::string::npos) << s;
 }
}

TEST(MonitorState, ValidChecksumOverBadValuesIsAnErrorOrReadsBackExactly) {
  // Each payload byte changed and the checksum recomputed, as a writer with
  // a bug might: Restore fails, or gives a monitor that writes exactly
  // these bytes (a different but coherent state), never a state that
  // reads one way and writes another.
  for (bool health : {false, true}) {
  const std::string bytes = SmallState(200, 15, health);
  const size_t header = 20, payload = bytes.size() - header - 8;
  int restored = 0;
  for (size_t i = header; i < header + payload; ++i) {
    for (int delta : {1, 0x80}) {
      std::string bad = bytes;
      bad[i] = static_cast<char>(bad[i] ^ delta);
      const uint64_t h = internal::Fnv1a64(absl::string_view(bad).substr(header, payload));
      for (int k = 0; k < 8; ++k) bad[header + payload + k] = static_cast<char>(h >> (8 * k));
      absl::StatusOr<Monitor> back = Monitor::Restore(bad);
      if (!back.ok()) continue;
      ++restored;
      EXPECT_EQ(back->Serialize(), bad) << "byte " << i << " ^ " << delta;
    }
  }
  EXPECT_GT(restored, 0);  // some changes are coherent (a value, a time)
  }
}

// --- Merge -----------------------------------------------------------------------------------

TEST(MonitorMerge, ShardsOfCustomersMergeIntoTheSingleMonitor) {
  const std::vector<MonitorResponse> stream = Shuffled(Stream(9000, 2500, 30, 15, 3, 4, 12), 5 * kHour, 13);
  for (int shards : {2, 3, 5}) {
    // Health periods of days in Berlin with the 3- and 5-shard runs.
    MonitorOptions o = Options();
    o.health = shards != 2;
    o.health_frequency = Frequency::kDay;
    o.time_zone = "Europe/Berlin";
    Monitor single = Make(o);
    Feed(single, stream);
    std::vector<Monitor> part;
    for (int k = 0; k < shards; ++k) {
      std::vector<MonitorResponse> mine;
      for (const MonitorResponse& r : stream) {
        if (((r.customer % shards) + shards) % shards == k) mine.push_back(r);
      }
      part.push_back(Make(o));
      Feed(part.back(), mine);
    }
    const int64_t now = kT0 + 31 * kDay;
    ASSERT_TRUE(single.Advance(now, nullptr).ok());
    for (Monitor& p : part) ASSERT_TRUE(p.Advance(now, nullptr).ok());
    const std::string want = single.Serialize();
    // In order, and in reverse order.
    Monitor forward = part[0];
    for (int k = 1; k < shards; ++k) ASSERT_TRUE(forward.Merge(part[k], nullptr).ok());
    EXPECT_EQ(forward.Serialize(), want) << shards;
    Monitor backward = part[shards - 1];
    for (int k = shards - 2; k >= 0; --k) ASSERT_TRUE(backward.Merge(part[k], nullptr).ok());
    EXPECT_EQ(backward.Serialize(), want) << shards;
    if (o.health) {
      const absl::StatusOr<HealthTable> a = single.ClosedHealth(), b = backward.ClosedHealth();
      ASSERT_TRUE(a.ok() && b.ok());
      EXPECT_GE(a->n_periods, 29);  // the days closed by `now`
      EXPECT_EQ(a->n_periods, b->n_periods);
      EXPECT_EQ(a->histogram, b->histogram);
      EXPECT_EQ(a->flags, b->flags);
      EXPECT_EQ(a->reasons, b->reasons);
    }
    // A shard merged twice shares its customers' cases.
    const absl::Status twice = forward.Merge(part[0], nullptr);
    EXPECT_NE(twice.message().find("disjoint customers"), std::string::npos) << twice;
  }
}

TEST(MonitorMerge, ALaggingShardCatchesUpAndBreaches) {
  MonitorOptions o;
  o.lateness_hours = 1;
  Monitor a = Make(o), b = Make(o), single = Make(o);
  MonitorResponse r;
  r.customer = 1;
  r.score = 0;
  r.time = kT0;
  ASSERT_TRUE(a.Ingest(r, nullptr).ok());
  ASSERT_TRUE(single.Ingest(r, nullptr).ok());
  r.customer = 2;
  r.time = kT0 + 30 * kHour;
  ASSERT_TRUE(b.Ingest(r, nullptr).ok());
  ASSERT_TRUE(single.Ingest(r, nullptr).ok());
  std::vector<Alert> alerts;
  ASSERT_TRUE(a.Merge(b, &alerts).ok());
  ASSERT_EQ(alerts.size(), 1u);  // customer 1's case is past its deadline by the merged clock
  EXPECT_EQ(alerts[0].kind, AlertKind::kSlaBreach);
  EXPECT_EQ(a.Serialize(), single.Serialize());
  MonitorOptions other = o;
  other.sla_hours = 12;
  EXPECT_NE(a.Merge(Make(other), nullptr).message().find("options differ"), std::string::npos);
}

TEST(MonitorMerge, RoundRobinShardsKeepTheirOwners) {
  MonitorOptions o = Options();
  const std::vector<MonitorResponse> stream = Stream(3000, 800, 20, 10, 3, 0, 14);
  Monitor single = Make(o), even = Make(o), odd = Make(o);
  Feed(single, stream);
  std::vector<MonitorResponse> e, d;
  for (const MonitorResponse& r : stream) ((r.customer & 1) == 0 ? e : d).push_back(r);
  Feed(even, e);
  Feed(odd, d);
  ASSERT_TRUE(even.Merge(odd, nullptr).ok());
  const MonitorSnapshot a = even.Snapshot(), b = single.Snapshot();
  EXPECT_EQ(a.responses, b.responses);
  EXPECT_EQ(a.breaches, b.breaches);
  EXPECT_EQ(a.open_cases.size(), b.open_cases.size());
  EXPECT_EQ(a.window.nps, b.window.nps);
  int64_t load_a = 0, load_b = 0;
  for (int64_t l : a.owner_load) load_a += l;
  for (int64_t l : b.owner_load) load_b += l;
  EXPECT_EQ(load_a, load_b);  // the same cases, owned by the shards' own round-robin
}

}  // namespace
}  // namespace npscore

// --- Health periods ---------------------------------------------------------------------------

namespace npscore {
namespace {

bool Same(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

// Monthly periods in Berlin over 14 months; detractors surge from day 300 on.
MonitorOptions HealthMonitorOptions() {
  MonitorOptions o = Options();
  o.health = true;
  o.health_frequency = Frequency::kMonth;
  o.time_zone = "Europe/Berlin";
  o.health_thresholds.baseline_months = 6;
  return o;
}

TEST(MonitorHealth, FlagsEqualBatchHealthWhateverTheBatchSizes) {
  const MonitorOptions o = HealthMonitorOptions();
  const std::vector<MonitorResponse> stream =
      Shuffled(Stream(24000, 6000, 420, 300, 3, 0, 21), 5 * kHour, 22);
  // The batch health of every response, as a user would run it.
  std::vector<double> scores;
  std::vector<int64_t> times, slices;
  for (const MonitorResponse& r : stream) {
    scores.push_back(r.score);
    times.push_back(r.time);
    slices.push_back(r.slice);
  }
  const TimeRange range = FindTimeRange(times);
  const absl::StatusOr<PeriodGrid> grid = MakePeriodGrid(range.min, range.max, Frequency::kMonth, o.time_zone);
  ASSERT_TRUE(grid.ok());
  HealthOptions ho;
  ho.thresholds = o.health_thresholds;
  const absl::StatusOr<HealthTable> batch = HealthOverTime<double, int64_t>(
      scores, times, *grid, slices, 3, ho, false);
  ASSERT_TRUE(batch.ok()) << batch.status();
  const int64_t P = batch->n_periods;
  ASSERT_GE(P, 14);

  int64_t want_alerts = 0;
  for (size_t row = 0; row < batch->size(); ++row) want_alerts += (batch->flags[row] & ~kFlagLowN) != 0;
  ASSERT_GE(want_alerts, 3);  // the surge is flagged

  for (size_t batch_size : {size_t{1}, size_t{7}, size_t{1000}, stream.size()}) {
    Monitor m = Make(o);
    std::vector<Alert> alerts;
    for (size_t i = 0; i < stream.size(); i += batch_size) {
      const size_t end = std::min(stream.size(), i + batch_size);
      std::vector<int64_t> customer, time;
      std::vector<double> score;
      std::vector<int32_t> slice;
      for (size_t j = i; j < end; ++j) {
        customer.push_back(stream[j].customer);
        time.push_back(stream[j].time);
        score.push_back(stream[j].score);
        slice.push_back(stream[j].slice);
      }
      MonitorColumns c;
      c.customer = customer;
      c.score = score;
      c.time = time;
      c.slice = slice;
      ASSERT_TRUE(m.IngestBatch(c, &alerts).ok());
    }
    // Periods close as the clock passes them; the last once the clock is past it.
    EXPECT_EQ(m.Snapshot().health_periods, P);
    EXPECT_LT(m.Snapshot().health_closed, P);
    ASSERT_TRUE(m.Advance(grid->starts.back() + 7 * kHour, &alerts).ok());
    EXPECT_EQ(m.Snapshot().health_closed, P);

    std::vector<const Alert*> flagged;
    for (const Alert& a : alerts) {
      if (a.kind == AlertKind::kHealthFlag) flagged.push_back(&a);
    }
    ASSERT_EQ(static_cast<int64_t>(flagged.size()), want_alerts) << batch_size;
    size_t next = 0;
    for (int64_t p = 0; p < P; ++p) {
      for (int64_t k = 0; k < 3; ++k) {
        const size_t row = static_cast<size_t>(k * P + p);
        if ((batch->flags[row] & ~kFlagLowN) == 0) continue;
        const Alert& a = *flagged[next++];
        EXPECT_EQ(a.period, p);
        EXPECT_EQ(a.slice, k);
        EXPECT_EQ(a.period_start, grid->starts[p]);
        EXPECT_EQ(a.period_end, grid->starts[p + 1]);
        EXPECT_EQ(a.time, a.period_end);
        EXPECT_EQ(a.period_label, grid->labels[p]);
        EXPECT_EQ(a.flags, batch->flags[row]);
        EXPECT_EQ(a.reasons, batch->reasons[row]);
        EXPECT_EQ(a.n, batch->n[row]);
        EXPECT_TRUE(Same(a.nps, batch->nps[row]));
        EXPECT_TRUE(Same(a.baseline_nps, batch->baseline_nps[row]));
        EXPECT_TRUE(Same(a.drop_p_adjusted, batch->drop_p_adjusted[row]));
        EXPECT_TRUE(Same(a.surge_p_adjusted, batch->surge_p_adjusted[row]));
        EXPECT_TRUE(Same(a.erosion_p_adjusted, batch->erosion_p_adjusted[row]));
        EXPECT_TRUE(Same(a.passive_growth_p_adjusted, batch->passive_growth_p_adjusted[row]));
        EXPECT_TRUE(Same(a.cusum, batch->cusum[row]));
        EXPECT_STREQ(AlertKindName(a.kind), "health_flag");
        EXPECT_STREQ(a.play(), "");
      }
    }
    // The closed periods' table is the batch table (its alert columns; the
    // table-wide adjusted change p-values depend on the table's length).
    const absl::StatusOr<HealthTable> closed = m.ClosedHealth();
    ASSERT_TRUE(closed.ok());
    EXPECT_EQ(closed->histogram, batch->histogram);
    EXPECT_EQ(closed->flags, batch->flags);
    EXPECT_EQ(closed->reasons, batch->reasons);
    for (size_t row = 0; row < batch->size(); ++row) {
      EXPECT_TRUE(Same(closed->nps[row], batch->nps[row]));
      EXPECT_TRUE(Same(closed->drop_p_adjusted[row], batch->drop_p_adjusted[row]));
    }
  }
}

TEST(MonitorHealth, APeriodIsJudgedOnWhatArrivedByItsClose) {
  // Alerts fire once the clock minus the lateness bound passes a period's
  // end, and equal batch Health on the responses received by then.
  const MonitorOptions o = HealthMonitorOptions();
  const std::vector<MonitorResponse> stream = Stream(12000, 4000, 400, 280, 3, 0, 23);
  Monitor m = Make(o);
  std::vector<double> scores;
  std::vector<int64_t> times, slices;
  int checked = 0;
  for (const MonitorResponse& r : stream) {
    std::vector<Alert> alerts;
    ASSERT_TRUE(m.Ingest(r, &alerts).ok());
    for (const Alert& a : alerts) {
      if (a.kind != AlertKind::kHealthFlag) continue;
      EXPECT_LE(a.period_end + 6 * kHour, r.time);
      const TimeRange range = FindTimeRange(times);
      const absl::StatusOr<PeriodGrid> grid =
          MakePeriodGrid(range.min, range.max, Frequency::kMonth, o.time_zone);
      ASSERT_TRUE(grid.ok());
      HealthOptions ho;
      ho.thresholds = o.health_thresholds;
      const absl::StatusOr<HealthTable> so_far =
          HealthOverTime<double, int64_t>(scores, times, *grid, slices, 3, ho, false);
      ASSERT_TRUE(so_far.ok());
      const size_t row = static_cast<size_t>(a.slice * so_far->n_periods + a.period);
      EXPECT_EQ(a.flags, so_far->flags[row]);
      EXPECT_EQ(a.reasons, so_far->reasons[row]);
      ++checked;
    }
    scores.push_back(r.score);
    times.push_back(r.time);
    slices.push_back(r.slice);
  }
  EXPECT_GE(checked, 2);
}

TEST(MonitorHealth, OffByDefaultAndBoundedRows) {
  Monitor m = Make(Options());
  EXPECT_EQ(m.ClosedHealth().status().code(), absl::StatusCode::kFailedPrecondition);
  // Days of 65,536 slices: the 17th day is beyond kMaxMonitorHealthRows.
  MonitorOptions o;
  o.health = true;
  o.health_frequency = Frequency::kDay;
  o.n_slices = kMaxMonitorSlices;
  o.shift_step_hours = 24 * 30;
  Monitor big = Make(o);
  MonitorResponse r;
  r.score = 9;
  r.time = kT0;
  ASSERT_TRUE(big.Ingest(r, nullptr).ok());
  r.time = kT0 + 15 * kDay;
  ASSERT_TRUE(big.Ingest(r, nullptr).ok());
  r.time = kT0 + 16 * kDay;
  const absl::Status s = big.Ingest(r, nullptr);
  EXPECT_NE(s.message().find("kMaxMonitorHealthRows"), std::string::npos) << s;
  EXPECT_EQ(big.Snapshot().responses, 2);  // the state is unchanged
}

}  // namespace
}  // namespace npscore
