// Python bindings of npscore/monitor.h: the Monitor class, its alerts and
// snapshots as dicts of numpy columns (npscore.monitor makes the frames).

#include "npscore/monitor.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common.h"

namespace npscore::python {

// From health.cc: the health table as numpy columns, thresholds from a dict.
py::dict HealthTableDict(const HealthTable& t);
HealthThresholds HealthThresholdsFromDict(const py::dict& d);
py::dict HealthThresholdsToDict(const HealthThresholds& t);

namespace {

using I64 = py::array_t<int64_t, py::array::c_style>;
using I32 = py::array_t<int32_t, py::array::c_style>;
using F64 = py::array_t<double, py::array::c_style>;

// Column `get(x)` of every element of `xs` as a numpy array of V.
template <typename V, typename T, typename Get>
py::array_t<V> Column(const std::vector<T>& xs, Get get) {
  std::vector<V> v;
  v.reserve(xs.size());
  for (const T& x : xs) v.push_back(static_cast<V>(get(x)));
  return Array(std::move(v));
}

// The alerts as columns; kinds as their names.
py::dict AlertColumns(const std::vector<Alert>& a) {
  py::dict d;
  std::vector<std::string> kind, play, label, reasons;
  for (const Alert& x : a) {
    kind.emplace_back(AlertKindName(x.kind));
    play.emplace_back(x.play());
    label.push_back(x.period_label);
    reasons.push_back(x.reasons);
  }
  d["kind"] = kind;
  d["time"] = Column<int64_t>(a, [](const Alert& x) { return x.time; });
  d["slice"] = Column<int32_t>(a, [](const Alert& x) { return x.slice; });
  d["customer"] = Column<int64_t>(a, [](const Alert& x) { return x.key.customer; });
  d["responded_at"] = Column<int64_t>(a, [](const Alert& x) { return x.key.responded_at; });
  d["segment"] = Column<int8_t>(a, [](const Alert& x) { return x.segment; });
  d["play"] = play;
  d["owner"] = Column<int32_t>(a, [](const Alert& x) { return x.owner; });
  d["deadline"] = Column<int64_t>(a, [](const Alert& x) { return x.deadline; });
  d["revenue_at_risk"] = Column<double>(a, [](const Alert& x) { return x.revenue_at_risk; });
  d["priority"] = Column<double>(a, [](const Alert& x) { return x.priority; });
  d["window_end"] = Column<int64_t>(a, [](const Alert& x) { return x.window_end; });
  d["n"] = Column<int64_t>(a, [](const Alert& x) { return x.n; });
  d["n_previous"] = Column<int64_t>(a, [](const Alert& x) { return x.n_previous; });
  d["nps"] = Column<double>(a, [](const Alert& x) { return x.nps; });
  d["nps_previous"] = Column<double>(a, [](const Alert& x) { return x.nps_previous; });
  d["diff"] = Column<double>(a, [](const Alert& x) { return x.diff; });
  d["p_value"] = Column<double>(a, [](const Alert& x) { return x.p_value; });
  d["ci_low"] = Column<double>(a, [](const Alert& x) { return x.ci_low; });
  d["ci_high"] = Column<double>(a, [](const Alert& x) { return x.ci_high; });
  d["period"] = Column<int64_t>(a, [](const Alert& x) { return x.period; });
  d["period_start"] = Column<int64_t>(a, [](const Alert& x) { return x.period_start; });
  d["period_end"] = Column<int64_t>(a, [](const Alert& x) { return x.period_end; });
  d["period_label"] = label;
  d["flags"] = Column<uint32_t>(a, [](const Alert& x) { return x.flags; });
  d["reasons"] = reasons;
  d["baseline_nps"] = Column<double>(a, [](const Alert& x) { return x.baseline_nps; });
  d["drop_p_adjusted"] = Column<double>(a, [](const Alert& x) { return x.drop_p_adjusted; });
  d["surge_p_adjusted"] = Column<double>(a, [](const Alert& x) { return x.surge_p_adjusted; });
  d["erosion_p_adjusted"] = Column<double>(a, [](const Alert& x) { return x.erosion_p_adjusted; });
  d["passive_growth_p_adjusted"] =
      Column<double>(a, [](const Alert& x) { return x.passive_growth_p_adjusted; });
  d["cusum"] = Column<double>(a, [](const Alert& x) { return x.cusum; });
  return d;
}

// The cases as columns.
py::dict CaseColumns(const std::vector<CaseRecord>& c) {
  py::dict d;
  d["customer"] = Column<int64_t>(c, [](const CaseRecord& x) { return x.key.customer; });
  d["responded_at"] = Column<int64_t>(c, [](const CaseRecord& x) { return x.key.responded_at; });
  d["segment"] = Column<int8_t>(c, [](const CaseRecord& x) { return x.segment; });
  d["slice"] = Column<int32_t>(c, [](const CaseRecord& x) { return x.slice; });
  d["owner"] = Column<int32_t>(c, [](const CaseRecord& x) { return x.owner; });
  d["deadline"] = Column<int64_t>(c, [](const CaseRecord& x) { return x.deadline; });
  d["contacted_at"] = Column<int64_t>(c, [](const CaseRecord& x) { return x.contacted_at; });
  d["closed_at"] = Column<int64_t>(c, [](const CaseRecord& x) { return x.closed_at; });
  d["outcome"] = Column<int8_t>(c, [](const CaseRecord& x) { return static_cast<int8_t>(x.outcome); });
  d["breached"] = Column<uint8_t>(c, [](const CaseRecord& x) { return x.breached; });
  d["clv"] = Column<double>(c, [](const CaseRecord& x) { return x.clv; });
  d["churn_risk"] = Column<double>(c, [](const CaseRecord& x) { return x.churn_risk; });
  d["priority"] = Column<double>(c, [](const CaseRecord& x) { return x.priority; });
  d["hours"] = Column<double>(c, [](const CaseRecord& x) { return x.hours; });
  return d;
}

// The windows' summaries as columns (one row per window).
py::dict SummaryColumns(const std::vector<Summary>& s) {
  py::dict d;
  d["n"] = Column<int64_t>(s, [](const Summary& x) { return x.n; });
  d["detractors"] = Column<int64_t>(s, [](const Summary& x) { return x.detractors; });
  d["passives"] = Column<int64_t>(s, [](const Summary& x) { return x.passives; });
  d["promoters"] = Column<int64_t>(s, [](const Summary& x) { return x.promoters; });
  d["nps"] = Column<double>(s, [](const Summary& x) { return x.nps; });
  d["se"] = Column<double>(s, [](const Summary& x) { return x.se; });
  d["ci_low"] = Column<double>(s, [](const Summary& x) { return x.ci_low; });
  d["ci_high"] = Column<double>(s, [](const Summary& x) { return x.ci_high; });
  return d;
}

py::dict SnapshotDict(const Monitor& m) {
  const MonitorSnapshot s = m.Snapshot();
  py::dict d;
  d["clock"] = s.clock;
  d["responses"] = s.responses;
  d["late"] = s.late;
  d["cases_opened"] = s.cases_opened;
  d["cases_closed"] = py::make_tuple(s.cases_closed[0], s.cases_closed[1], s.cases_closed[2]);
  d["breaches"] = s.breaches;
  d["unassigned"] = s.unassigned;
  d["health_periods"] = s.health_periods;
  d["health_closed"] = s.health_closed;
  d["window_end"] = s.window_end;
  std::vector<Counts> counts = s.slice_counts;
  counts.push_back(s.counts);  // the last row: all slices
  d["counts"] = py::dict(
      py::arg("detractors") = Column<int64_t>(counts, [](const Counts& c) { return c.detractors; }),
      py::arg("passives") = Column<int64_t>(counts, [](const Counts& c) { return c.passives; }),
      py::arg("promoters") = Column<int64_t>(counts, [](const Counts& c) { return c.promoters; }));
  std::vector<Summary> windows = s.slice_window;
  windows.push_back(s.window);  // the last two rows: all slices, then the window before
  windows.push_back(s.previous_window);
  d["windows"] = SummaryColumns(windows);
  d["open_cases"] = CaseColumns(s.open_cases);
  d["owner_load"] = Array(s.owner_load);
  const PeriodGrid& g = m.health_grid();
  d["health_starts"] = Array(g.starts);
  d["health_labels"] = g.labels;
  return d;
}

// Options from the dict of OptionsDict's keys (what npscore.Monitor passes).
MonitorOptions MakeOptions(const py::dict& d) {
  auto get = [&](const char* key) -> py::object {
    if (!d.contains(key)) throw py::key_error(std::string("monitor option ") + key + " missing");
    return d[key];
  };
  MonitorOptions o;
  o.cutoffs = get("cutoffs").cast<Cutoffs>();
  o.sla_hours = get("sla_hours").cast<double>();
  o.passive_sla_hours = get("passive_sla_hours").cast<double>();
  o.promoter_sla_hours = get("promoter_sla_hours").cast<double>();
  o.recovery.hours = get("recovery_hours").cast<std::vector<double>>();
  o.recovery.probability = get("recovery_probability").cast<std::vector<double>>();
  o.urgency_hours = get("urgency_hours").cast<double>();
  o.open_detractors = get("open_detractors").cast<bool>();
  o.open_passives = get("open_passives").cast<bool>();
  o.open_promoters = get("open_promoters").cast<bool>();
  o.capacities = get("capacities").cast<std::vector<int64_t>>();
  o.lateness_hours = get("lateness_hours").cast<double>();
  const std::string late = get("late").cast<std::string>();
  if (late == "error") {
    o.late = LateResponses::kError;
  } else if (late == "count") {
    o.late = LateResponses::kCount;
  } else {
    throw py::value_error("late is \"" + late + "\": use \"error\" or \"count\"");
  }
  o.n_slices = get("n_slices").cast<int32_t>();
  o.shift_step_hours = get("shift_step_hours").cast<double>();
  o.shift_window_steps = get("shift_window_steps").cast<int32_t>();
  o.shift_min_n = get("shift_min_n").cast<int64_t>();
  o.shift_alpha = get("shift_alpha").cast<double>();
  o.interval = MakeIntervalOptions(get("method").cast<std::string>(),
                                   get("confidence").cast<double>());
  o.health = get("health").cast<bool>();
  o.health_frequency = ValueOrThrow(ParseFrequency(get("health_frequency").cast<std::string>()));
  o.time_zone = get("time_zone").cast<std::string>();
  o.health_thresholds = HealthThresholdsFromDict(get("thresholds").cast<py::dict>());
  o.health_flag_mask = get("health_flag_mask").cast<uint32_t>();
  return o;
}

// The options as MakeOptions' arguments (the constructor's keywords).
py::dict OptionsDict(const Monitor& m) {
  const MonitorOptions& o = m.options();
  static const char* const kFreq[] = {"D", "W", "M", "Q"};  // by Frequency value
  py::dict d;
  d["cutoffs"] = o.cutoffs;
  d["sla_hours"] = o.sla_hours;
  d["passive_sla_hours"] = o.passive_sla_hours;
  d["promoter_sla_hours"] = o.promoter_sla_hours;
  d["recovery_hours"] = o.recovery.hours;
  d["recovery_probability"] = o.recovery.probability;
  d["urgency_hours"] = o.urgency_hours;
  d["open_detractors"] = o.open_detractors;
  d["open_passives"] = o.open_passives;
  d["open_promoters"] = o.open_promoters;
  d["capacities"] = o.capacities;
  d["lateness_hours"] = o.lateness_hours;
  d["late"] = o.late == LateResponses::kCount ? "count" : "error";
  d["n_slices"] = o.n_slices;
  d["shift_step_hours"] = o.shift_step_hours;
  d["shift_window_steps"] = o.shift_window_steps;
  d["shift_min_n"] = o.shift_min_n;
  d["shift_alpha"] = o.shift_alpha;
  d["method"] = std::string(IntervalMethodName(o.interval.method));
  d["confidence"] = o.interval.confidence;
  d["health"] = o.health;
  d["health_frequency"] = kFreq[static_cast<int>(o.health_frequency)];
  d["time_zone"] = o.time_zone;
  d["thresholds"] = HealthThresholdsToDict(o.health_thresholds);
  d["health_flag_mask"] = o.health_flag_mask;
  return d;
}

// A failed status as the Python exception: an unknown case is a KeyError,
// damaged state bytes and every other bad input a ValueError.
void Raise(const absl::Status& st) {
  if (st.code() == absl::StatusCode::kNotFound) throw py::key_error(std::string(st.message()));
  if (st.code() == absl::StatusCode::kDataLoss || st.code() == absl::StatusCode::kAlreadyExists) {
    throw py::value_error(std::string(st.message()));
  }
  ThrowIfError(st);
}

// (alerts, error message or None): the alerts raised before an error too.
py::tuple AlertsAnd(const absl::Status& st, const std::vector<Alert>& alerts) {
  return py::make_tuple(AlertColumns(alerts),
                        st.ok() ? py::object(py::none()) : py::object(py::str(std::string(st.message()))));
}

}  // namespace

void BindMonitor(py::module_& m) {
  py::dict d;
  const MonitorOptions o;
  d["sla_hours"] = o.sla_hours;
  d["passive_sla_hours"] = o.passive_sla_hours;
  d["promoter_sla_hours"] = o.promoter_sla_hours;
  d["urgency_hours"] = o.urgency_hours;
  d["lateness_hours"] = o.lateness_hours;
  d["shift_step_hours"] = o.shift_step_hours;
  d["shift_window_steps"] = o.shift_window_steps;
  d["shift_min_n"] = o.shift_min_n;
  d["shift_alpha"] = o.shift_alpha;
  d["health_flag_mask"] = o.health_flag_mask;
  d["max_slices"] = kMaxMonitorSlices;
  d["max_owners"] = kMaxMonitorOwners;
  m.attr("monitor_defaults") = d;

  py::class_<Monitor> monitor(m, "Monitor");
  DefNoPickle(monitor, "npscore.Monitor pickles (its to_bytes state); this core object does not");
  monitor
      .def(py::init([](const py::dict& options) {
             return ValueOrThrow(Monitor::Create(MakeOptions(options)));
           }),
           py::arg("options"), "A monitor with the options of `options()`'s keys.")
      .def("ingest",
           [](Monitor& self, int64_t customer, double score, int64_t time, int32_t slice,
              double clv, double churn_risk, int32_t owner) {
             MonitorResponse r;
             r.customer = customer;
             r.score = score;
             r.time = time;
             r.slice = slice;
             r.clv = clv;
             r.churn_risk = churn_risk;
             r.owner = owner;
             std::vector<Alert> alerts;
             Raise(self.Ingest(r, &alerts));
             return AlertColumns(alerts);
           },
           py::arg("customer"), py::arg("score"), py::arg("time"), py::arg("slice"),
           py::arg("clv"), py::arg("churn_risk"), py::arg("owner"))
      .def("ingest_batch",
           [](Monitor& self, const I64& customer, const F64& score, const I64& time,
              const py::object& slice, const py::object& clv, const py::object& churn_risk,
              const py::object& owner) {
             CheckVector(customer, "customer");
             CheckVector(score, "score");
             CheckVector(time, "time");
             I32 hs, ho;
             F64 hc, hr;
             MonitorColumns c;
             c.customer = View<int64_t>(customer);
             c.score = View<double>(score);
             c.time = View<int64_t>(time);
             c.slice = OptionalColumn<int32_t>(slice, hs, "slice");
             c.clv = OptionalColumn<double>(clv, hc, "clv");
             c.churn_risk = OptionalColumn<double>(churn_risk, hr, "churn_risk");
             c.owner = OptionalColumn<int32_t>(owner, ho, "owner");
             std::vector<Alert> alerts;
             absl::Status st;
             {
               py::gil_scoped_release release;
               st = self.IngestBatch(c, &alerts);
             }
             return AlertsAnd(st, alerts);
           },
           py::arg("customer"), py::arg("score"), py::arg("time"), py::arg("slice"),
           py::arg("clv"), py::arg("churn_risk"), py::arg("owner"),
           "(alerts, None) or, after an error naming a row, (the alerts of the rows before "
           "it, the message).")
      .def("advance",
           [](Monitor& self, int64_t now) {
             std::vector<Alert> alerts;
             Raise(self.Advance(now, &alerts));
             return AlertColumns(alerts);
           },
           py::arg("now"))
      .def("record_contact",
           [](Monitor& self, int64_t customer, int64_t responded_at, int64_t time) {
             Raise(self.RecordContact({customer, responded_at}, time));
           },
           py::arg("customer"), py::arg("responded_at"), py::arg("time"))
      .def("close_case",
           [](Monitor& self, int64_t customer, int64_t responded_at, int64_t time,
              int outcome) {
             if (outcome < 0 || outcome > 2) throw py::value_error("outcome code out of range");
             auto r = self.CloseCase({customer, responded_at}, time,
                                     static_cast<CaseOutcome>(outcome));
             if (!r.ok()) Raise(r.status());
             return CaseColumns({*r});
           },
           py::arg("customer"), py::arg("responded_at"), py::arg("time"), py::arg("outcome"))
      .def("snapshot", &SnapshotDict)
      .def("closed_health",
           [](const Monitor& self) {
             auto t = self.ClosedHealth();
             if (!t.ok()) Raise(t.status());
             return HealthTableDict(*t);
           })
      .def("serialize", [](const Monitor& self) { return py::bytes(self.Serialize()); })
      .def_static("restore",
                  [](const py::bytes& b) {
                    auto r = Monitor::Restore(std::string(b));
                    if (!r.ok()) Raise(r.status());
                    return std::move(*r);
                  },
                  py::arg("data"))
      .def("merge",
           [](Monitor& self, const Monitor& other) {
             if (&self == &other) {
               throw py::value_error("other is this monitor: a monitor cannot merge itself");
             }
             // Merge may fail midway: work on a copy so that self stays as it was.
             Monitor merged = self;
             std::vector<Alert> alerts;
             Raise(merged.Merge(other, &alerts));
             self = std::move(merged);
             return AlertColumns(alerts);
           },
           py::arg("other"))
      .def("options", &OptionsDict, "The options as a dict (the constructor's argument).")
      .def("copy", [](const Monitor& self) { return Monitor(self); })
      .def_property_readonly("clock", &Monitor::clock)
      .def_property_readonly("n_open_cases", &Monitor::open_cases);
}

}  // namespace npscore::python
