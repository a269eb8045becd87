// Python bindings of npscore/health.h: thin wrappers returning numpy columns.

#include "npscore/health.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>

#include "common.h"

namespace npscore::python {
namespace {

HealthThresholds MakeThresholds(const py::dict& d) {
  HealthThresholds t;
  for (const auto& item : d) {
    const std::string key = py::str(item.first);
    const py::handle v = item.second;
    if (key == "alpha") t.alpha = v.cast<double>();
    else if (key == "min_n") t.min_n = v.cast<double>();
    else if (key == "passive_share_high") t.passive_share_high = v.cast<double>();
    else if (key == "passive_trend_points") t.passive_trend_points = v.cast<double>();
    else if (key == "stable_nps_points") t.stable_nps_points = v.cast<double>();
    else if (key == "detractor_surge_points") t.detractor_surge_points = v.cast<double>();
    else if (key == "promoter_erosion_points") t.promoter_erosion_points = v.cast<double>();
    else if (key == "trend_periods") t.trend_periods = v.cast<int>();
    else throw py::value_error("unknown health threshold \"" + key + "\"");
  }
  return t;
}

py::dict ThresholdsDict(const HealthThresholds& t) {
  py::dict d;
  d["alpha"] = t.alpha;
  d["min_n"] = t.min_n;
  d["passive_share_high"] = t.passive_share_high;
  d["passive_trend_points"] = t.passive_trend_points;
  d["stable_nps_points"] = t.stable_nps_points;
  d["detractor_surge_points"] = t.detractor_surge_points;
  d["promoter_erosion_points"] = t.promoter_erosion_points;
  d["trend_periods"] = t.trend_periods;
  return d;
}

template <typename V>
py::array_t<V> Array(const std::vector<V>& v) {
  return py::array_t<V>(static_cast<py::ssize_t>(v.size()), v.data());
}

HealthTable RunHealth(const py::array& scores, const py::array_t<int32_t, py::array::c_style>& periods,
                      int64_t n_periods, const py::object& slices, int64_t n_slices,
                      const HealthOptions& opt) {
  CheckVector(periods, "periods");
  py::array_t<int64_t, py::array::c_style> hold;
  absl::Span<const int64_t> sl;
  if (!slices.is_none()) {
    hold = slices.cast<py::array_t<int64_t, py::array::c_style>>();
    CheckVector(hold, "slices");
    sl = View<int64_t>(hold);
  }
  return ValueOrThrow(DispatchScores(scores, [&](auto span) {
    py::gil_scoped_release release;
    return Health(span, View<int32_t>(periods), n_periods, sl, n_slices, opt);
  }));
}

}  // namespace

void BindHealth(py::module_& m) {
  m.def("default_health_thresholds", [] { return ThresholdsDict(HealthThresholds{}); },
        "The documented default thresholds of the health flags.");

  m.def("period_grid", [](int64_t min_time, int64_t max_time, const std::string& freq,
                          const std::string& tz) {
    const Frequency f = ValueOrThrow(ParseFrequency(freq));
    PeriodGrid g = ValueOrThrow(MakePeriodGrid(min_time, max_time, f, tz));
    return py::make_tuple(Array(g.starts), g.labels);
  }, py::arg("min_time"), py::arg("max_time"), py::arg("freq"), py::arg("tz"),
     "(period starts in UTC ns with the end bound last, labels) covering the range.");

  m.def("assign_periods", [](const py::array_t<int64_t, py::array::c_style>& times,
                             const py::array_t<int64_t, py::array::c_style>& starts,
                             const std::vector<std::string>& labels, bool skip_missing) {
    CheckVector(times, "times");
    PeriodGrid g;
    g.starts.assign(starts.data(), starts.data() + starts.size());
    g.labels = labels;
    py::array_t<int32_t> out(times.size());
    absl::Span<int32_t> view(out.mutable_data(), static_cast<size_t>(out.size()));
    absl::Status st;
    {
      py::gil_scoped_release release;
      st = AssignPeriods(View<int64_t>(times), g, view, skip_missing);
    }
    ThrowIfError(st);
    return out;
  }, py::arg("times"), py::arg("starts"), py::arg("labels"), py::arg("skip_missing"));

  m.def("health_table", [](const py::array& scores, const py::array_t<int32_t, py::array::c_style>& periods,
                           int64_t n_periods, const py::object& slices, int64_t n_slices,
                           const Cutoffs& cutoffs, const std::string& missing,
                           const std::string& method, double confidence,
                           const std::string& adjustment, const py::dict& thresholds) {
    HealthOptions opt;
    opt.scores = MakeScoreOptions(cutoffs, missing);
    opt.interval = MakeIntervalOptions(method, confidence);
    opt.adjustment = ValueOrThrow(ParseAdjustment(adjustment));
    opt.thresholds = MakeThresholds(thresholds);
    HealthTable t = RunHealth(scores, periods, n_periods, slices, n_slices, opt);
    py::dict out;
    out["n"] = Array(t.n);
    out["detractors"] = Array(t.detractors);
    out["passives"] = Array(t.passives);
    out["promoters"] = Array(t.promoters);
    out["skipped"] = Array(t.skipped);
    out["share_detractors"] = Array(t.share_detractors);
    out["share_detractors_low"] = Array(t.share_detractors_low);
    out["share_detractors_high"] = Array(t.share_detractors_high);
    out["share_passives"] = Array(t.share_passives);
    out["share_passives_low"] = Array(t.share_passives_low);
    out["share_passives_high"] = Array(t.share_passives_high);
    out["share_promoters"] = Array(t.share_promoters);
    out["share_promoters_low"] = Array(t.share_promoters_low);
    out["share_promoters_high"] = Array(t.share_promoters_high);
    out["nps"] = Array(t.nps);
    out["se"] = Array(t.se);
    out["ci_low"] = Array(t.ci_low);
    out["ci_high"] = Array(t.ci_high);
    out["nps_change"] = Array(t.nps_change);
    out["change_se"] = Array(t.change_se);
    out["change_p"] = Array(t.change_p);
    out["change_p_adjusted"] = Array(t.change_p_adjusted);
    out["detractor_change"] = Array(t.detractor_change);
    out["detractor_change_p_adjusted"] = Array(t.detractor_change_p_adjusted);
    out["promoter_change"] = Array(t.promoter_change);
    out["promoter_change_p_adjusted"] = Array(t.promoter_change_p_adjusted);
    out["passive_trend"] = Array(t.passive_trend);
    out["passive_trend_p_adjusted"] = Array(t.passive_trend_p_adjusted);
    out["nps_trend"] = Array(t.nps_trend);
    out["flags"] = Array(t.flags);
    out["reasons"] = t.reasons;
    py::array_t<int64_t> hist({static_cast<py::ssize_t>(t.size()),
                               static_cast<py::ssize_t>(t.scale_max + 1)});
    std::copy(t.histogram.begin(), t.histogram.end(), hist.mutable_data());
    out["histogram"] = hist;
    out["excluded"] = t.excluded;
    out["thresholds"] = ThresholdsDict(t.thresholds);
    return out;
  }, py::arg("scores"), py::arg("periods"), py::arg("n_periods"), py::arg("slices"),
     py::arg("n_slices"), py::arg("cutoffs"), py::arg("missing"), py::arg("method"),
     py::arg("confidence"), py::arg("adjustment"), py::arg("thresholds"));

  m.def("segment_trends", [](const py::array& scores, const py::array_t<int32_t, py::array::c_style>& periods,
                             int64_t n_periods, const py::object& slices, int64_t n_slices,
                             const Cutoffs& cutoffs, const std::string& missing,
                             int trend_periods, const std::string& adjustment) {
    HealthOptions opt;
    opt.scores = MakeScoreOptions(cutoffs, missing);
    const Adjustment adj = ValueOrThrow(ParseAdjustment(adjustment));
    HealthTable t = RunHealth(scores, periods, n_periods, slices, n_slices, opt);
    std::vector<SegmentTrend> trends = ValueOrThrow(SegmentTrends(t, trend_periods, adj));
    py::dict out;
    std::vector<int64_t> slice, n;
    std::vector<int> segment, used;
    std::vector<double> start, end, slope, se, z, p, padj;
    for (const SegmentTrend& s : trends) {
      slice.push_back(s.slice);
      segment.push_back(static_cast<int>(s.segment));
      used.push_back(s.periods);
      n.push_back(s.n);
      start.push_back(s.start_share);
      end.push_back(s.end_share);
      slope.push_back(s.slope_points);
      se.push_back(s.slope_se);
      z.push_back(s.z);
      p.push_back(s.p_value);
      padj.push_back(s.p_adjusted);
    }
    out["slice"] = Array(slice);
    out["segment"] = Array(segment);
    out["periods"] = Array(used);
    out["n"] = Array(n);
    out["start_share"] = Array(start);
    out["end_share"] = Array(end);
    out["slope_points"] = Array(slope);
    out["slope_se"] = Array(se);
    out["z"] = Array(z);
    out["p_value"] = Array(p);
    out["p_adjusted"] = Array(padj);
    return out;
  }, py::arg("scores"), py::arg("periods"), py::arg("n_periods"), py::arg("slices"),
     py::arg("n_slices"), py::arg("cutoffs"), py::arg("missing"), py::arg("trend_periods"),
     py::arg("adjustment"));
}

}  // namespace npscore::python
