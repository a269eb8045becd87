// Python bindings of npscore/health.h: thin wrappers returning numpy columns.

#include "npscore/health.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
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
    else if (key == "baseline_months") t.baseline_months = v.cast<double>();
    else if (key == "drop_alpha") t.drop_alpha = v.cast<double>();
    else if (key == "drop_points") t.drop_points = v.cast<double>();
    else if (key == "cusum_k") t.cusum_k = v.cast<double>();
    else if (key == "cusum_h") t.cusum_h = v.cast<double>();
    else if (key == "power") t.power = v.cast<double>();
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
  d["baseline_months"] = t.baseline_months;
  d["drop_alpha"] = t.drop_alpha;
  d["drop_points"] = t.drop_points;
  d["cusum_k"] = t.cusum_k;
  d["cusum_h"] = t.cusum_h;
  d["power"] = t.power;
  return d;
}

// Calls f(absl::Span<const C>) with optional slice codes viewed as their own
// signed integer type C (int8 .. int64, e.g. categorical codes as they are);
// None is an empty int64 span.
template <typename F>
auto DispatchCodes(const py::object& slices, F&& f) {
  if (slices.is_none()) return f(absl::Span<const int64_t>());
  if (!py::isinstance<py::array>(slices)) throw py::type_error("slices must be a numpy array");
  const py::array codes = py::reinterpret_borrow<py::array>(slices);
  CheckVector(codes, "slices");
  const py::dtype dt = codes.dtype();
  if (dt.kind() == 'i' && dt.byteorder() != '>') {
    switch (dt.itemsize()) {
      case 1: return f(View<int8_t>(codes));
      case 2: return f(View<int16_t>(codes));
      case 4: return f(View<int32_t>(codes));
      case 8: return f(View<int64_t>(codes));
    }
  }
  throw py::type_error("slices must be int8, int16, int32 or int64 codes, got dtype " +
                       std::string(py::str(dt)));
}

// Codes of an object array of str keys, numbered in ascending text order
// with missing values (None, float NaN and the given singletons, e.g. pd.NA)
// last: (codes as int8/16/32, the distinct str objects in order, whether a
// value is missing). None for any other entry (the caller falls back to
// pandas). Equal objects are recognized by address first: a direct-mapped
// cache of recent objects codes most rows without reading their text (a
// column read from a file shares one object per distinct value). A miss
// looks the UTF-8 text up, so equal strings in distinct objects get one
// code. UTF-8 byte order is code point order, Python's string order. Runs
// under the GIL, which keeps every object alive and unchanged.
py::object FactorizeStrings(const py::array& values, const py::tuple& missing_objects) {
  CheckVector(values, "values");
  if (values.dtype().kind() != 'O') throw py::type_error("values must be an object array");
  const size_t n = static_cast<size_t>(values.size());
  if (n > static_cast<size_t>(INT32_MAX)) return py::none();
  PyObject* const* obj = static_cast<PyObject* const*>(values.data());
  std::vector<PyObject*> missing;
  for (const py::handle h : missing_objects) missing.push_back(h.ptr());
  struct Entry {
    PyObject* key = nullptr;
    int32_t code = 0;
  };
  constexpr size_t kCacheSize = 1024;  // a power of two
  // Empty entries hold an address no array entry has (not NULL, which a raw
  // object array may hold).
  PyObject* const kNoObject = reinterpret_cast<PyObject*>(&missing);
  std::vector<Entry> cache(kCacheSize, Entry{kNoObject, 0});
  absl::flat_hash_map<absl::string_view, int32_t> by_text;
  std::vector<PyObject*> distinct;  // in order of first appearance
  std::vector<absl::string_view> text;
  constexpr int32_t kMissing = -1;
  bool has_missing = false;
  py::array_t<int32_t> first_codes(static_cast<py::ssize_t>(n));
  int32_t* fc = first_codes.mutable_data();
  for (size_t i = 0; i < n; ++i) {
    PyObject* o = obj[i];
    const uintptr_t a = reinterpret_cast<uintptr_t>(o);
    Entry& e = cache[((a >> 4) ^ (a >> 14)) & (kCacheSize - 1)];
    if (e.key == o) {
      fc[i] = e.code;
      continue;
    }
    int32_t code;
    if (o == nullptr) return py::none();
    if (PyUnicode_CheckExact(o)) {
      Py_ssize_t len = 0;
      const char* utf8 = PyUnicode_AsUTF8AndSize(o, &len);
      if (utf8 == nullptr) {  // e.g. a lone surrogate: not UTF-8
        PyErr_Clear();
        return py::none();
      }
      const absl::string_view t(utf8, static_cast<size_t>(len));
      const auto [it, added] = by_text.try_emplace(t, static_cast<int32_t>(distinct.size()));
      if (added) {
        distinct.push_back(o);
        text.push_back(t);
      }
      code = it->second;
    } else if (o == Py_None ||
               std::find(missing.begin(), missing.end(), o) != missing.end() ||
               (PyFloat_Check(o) && std::isnan(PyFloat_AS_DOUBLE(o)))) {
      code = kMissing;
      has_missing = true;
    } else {
      return py::none();
    }
    e = Entry{o, code};
    fc[i] = code;
  }
  // Renumber in text order, missing last, into the narrowest signed type.
  const size_t k = distinct.size();
  std::vector<size_t> order(k);
  for (size_t j = 0; j < k; ++j) order[j] = j;
  std::sort(order.begin(), order.end(), [&](size_t x, size_t y) { return text[x] < text[y]; });
  std::vector<int32_t> rank(k + 1);  // rank[code + 1]; rank[0] is the missing code
  rank[0] = static_cast<int32_t>(k);
  py::list keys;
  for (size_t j = 0; j < k; ++j) {
    rank[order[j] + 1] = static_cast<int32_t>(j);
    keys.append(py::reinterpret_borrow<py::object>(distinct[order[j]]));
  }
  auto renumber = [&](auto* out) {
    using C = std::remove_pointer_t<decltype(out)>;
    const int32_t* r = rank.data();
    for (size_t i = 0; i < n; ++i) out[i] = static_cast<C>(r[fc[i] + 1]);
  };
  py::array codes;
  const size_t groups = k + (has_missing ? 1 : 0);
  if (groups <= static_cast<size_t>(INT8_MAX) + 1) {
    py::array_t<int8_t> c(static_cast<py::ssize_t>(n));
    renumber(c.mutable_data());
    codes = c;
  } else if (groups <= static_cast<size_t>(INT16_MAX) + 1) {
    py::array_t<int16_t> c(static_cast<py::ssize_t>(n));
    renumber(c.mutable_data());
    codes = c;
  } else {
    renumber(fc);
    codes = first_codes;
  }
  return py::make_tuple(codes, keys, has_missing);
}

HealthTable RunHealth(const py::array& scores, const py::array_t<int32_t, py::array::c_style>& periods,
                      int64_t n_periods, const py::object& slices, int64_t n_slices,
                      const HealthOptions& opt) {
  CheckVector(periods, "periods");
  return ValueOrThrow(DispatchCodes(slices, [&](auto sl) {
    return DispatchScores(scores, [&](auto span) {
      py::gil_scoped_release release;
      return Health(span, View<int32_t>(periods), n_periods, sl, n_slices, opt);
    });
  }));
}

HealthOptions MakeHealthOptions(const Cutoffs& cutoffs, const std::string& missing,
                                const std::string& method, double confidence,
                                const std::string& adjustment, const py::dict& thresholds,
                                const std::string& mode = "alert",
                                const std::string& freq = "M") {
  HealthOptions opt;
  opt.flag_mode = ValueOrThrow(ParseFlagMode(mode));
  opt.frequency = ValueOrThrow(ParseFrequency(freq));
  opt.scores = MakeScoreOptions(cutoffs, missing);
  opt.interval = MakeIntervalOptions(method, confidence);
  opt.adjustment = ValueOrThrow(ParseAdjustment(adjustment));
  opt.thresholds = MakeThresholds(thresholds);
  return opt;
}

// The health table as a dict of numpy columns (histogram: rows x bins).
py::dict TableDict(const HealthTable& t) {
    py::dict out;
    out["n"] = Array(t.n);
    out["detractors"] = Array(t.detractors);
    out["passives"] = Array(t.passives);
    out["promoters"] = Array(t.promoters);
    out["skipped"] = Array(t.skipped);
    if (!t.window_start.empty()) {
      out["window_start"] = Array(t.window_start);
      out["window_end"] = Array(t.window_end);
    }
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
    // Alerts against the trailing baseline.
    out["baseline_first"] = Array(t.baseline_first);
    out["baseline_n"] = Array(t.baseline_n);
    out["flag_family"] = Array(t.flag_family);
    out["baseline_nps"] = Array(t.baseline_nps);
    out["nps_vs_baseline"] = Array(t.nps_vs_baseline);
    out["vs_baseline_se"] = Array(t.vs_baseline_se);
    out["drop_p"] = Array(t.drop_p);
    out["drop_p_adjusted"] = Array(t.drop_p_adjusted);
    out["detractor_vs_baseline"] = Array(t.detractor_vs_baseline);
    out["surge_p"] = Array(t.surge_p);
    out["surge_p_adjusted"] = Array(t.surge_p_adjusted);
    out["promoter_vs_baseline"] = Array(t.promoter_vs_baseline);
    out["erosion_p"] = Array(t.erosion_p);
    out["erosion_p_adjusted"] = Array(t.erosion_p_adjusted);
    out["passive_growth_p"] = Array(t.passive_growth_p);
    out["passive_growth_p_adjusted"] = Array(t.passive_growth_p_adjusted);
    out["cusum"] = Array(t.cusum);
    out["min_detectable_drop"] = Array(t.min_detectable_drop);
    out["flag_mode"] = std::string(FlagModeName(t.flag_mode));
    out["baseline_periods"] = t.baseline_periods;
    py::array_t<int64_t> hist({static_cast<py::ssize_t>(t.size()),
                               static_cast<py::ssize_t>(t.scale_max + 1)});
    std::copy(t.histogram.begin(), t.histogram.end(), hist.mutable_data());
    out["histogram"] = hist;
    out["excluded"] = t.excluded;
    out["thresholds"] = ThresholdsDict(t.thresholds);
    return out;
}

// The columns of SegmentTrends' rows, as segment_trends returns them.
py::dict TrendsDict(const std::vector<SegmentTrend>& trends) {
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
}

}  // namespace

// Shared with the monitor's bindings (monitor.cc).
py::dict HealthTableDict(const HealthTable& t) { return TableDict(t); }
HealthThresholds HealthThresholdsFromDict(const py::dict& d) { return MakeThresholds(d); }
py::dict HealthThresholdsToDict(const HealthThresholds& t) { return ThresholdsDict(t); }

void BindHealth(py::module_& m) {
  m.def("factorize_strings", &FactorizeStrings, py::arg("values"), py::arg("missing"),
        "(codes, sorted distinct str keys, has_missing) of an object array of str keys "
        "(missing last), or None if an entry is neither a str nor missing.");

  m.def("time_range", [](const py::array_t<int64_t, py::array::c_style>& times) {
    CheckVector(times, "times");
    TimeRange r;
    {
      py::gil_scoped_release release;
      r = FindTimeRange(View<int64_t>(times));
    }
    return py::make_tuple(r.min, r.max, r.missing);
  }, py::arg("times"),
     "(min, max, missing) of UTC ns times, NaT left out; min > max when all are missing.");

  m.def("default_health_thresholds", [] { return ThresholdsDict(HealthThresholds{}); },
        "The documented default thresholds of the health flags.");

  m.def("adjust_p_values", [](const py::array_t<double, py::array::c_style>& p,
                              const std::string& adjustment) {
    CheckVector(p, "p");
    return Array(ValueOrThrow(AdjustPValues(View<double>(p), ValueOrThrow(ParseAdjustment(adjustment)))));
  }, py::arg("p"), py::arg("adjustment"), "Holm / Benjamini-Hochberg adjusted p-values (NaN kept).");

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
                           const std::string& adjustment, const py::dict& thresholds,
                           const std::string& mode, const std::string& freq) {
    const HealthOptions opt = MakeHealthOptions(cutoffs, missing, method, confidence, adjustment,
                                                thresholds, mode, freq);
    return TableDict(RunHealth(scores, periods, n_periods, slices, n_slices, opt));
  }, py::arg("scores"), py::arg("periods"), py::arg("n_periods"), py::arg("slices"),
     py::arg("n_slices"), py::arg("cutoffs"), py::arg("missing"), py::arg("method"),
     py::arg("confidence"), py::arg("adjustment"), py::arg("thresholds"),
     py::arg("mode") = "alert", py::arg("freq") = "M",
     "The health table over period codes of `freq` (the length of a period, for baselines "
     "in time); `mode` \"alert\" or \"review\" adjusts the flags' p-values.");

  m.def("health_over_time", [](const py::array& scores,
                               const py::array_t<int64_t, py::array::c_style>& times,
                               const py::array_t<int64_t, py::array::c_style>& starts,
                               const std::vector<std::string>& labels, const py::object& slices,
                               int64_t n_slices, const Cutoffs& cutoffs,
                               const std::string& missing, const std::string& method,
                               double confidence, const std::string& adjustment,
                               const py::dict& thresholds, const std::string& mode,
                               const std::string& freq) {
    CheckVector(times, "times");
    CheckVector(starts, "starts");
    const HealthOptions opt = MakeHealthOptions(cutoffs, missing, method, confidence, adjustment,
                                                thresholds, mode, freq);
    PeriodGrid g;
    g.frequency = opt.frequency;
    g.starts.assign(starts.data(), starts.data() + starts.size());
    g.labels = labels;
    const bool skip = opt.scores.missing == Missing::kSkip;
    return TableDict(ValueOrThrow(DispatchCodes(slices, [&](auto sl) {
      return DispatchScores(scores, [&](auto span) {
        py::gil_scoped_release release;
        return HealthOverTime(span, View<int64_t>(times), g, sl, n_slices, opt, skip);
      });
    })));
  }, py::arg("scores"), py::arg("times"), py::arg("starts"), py::arg("labels"),
     py::arg("slices"), py::arg("n_slices"), py::arg("cutoffs"), py::arg("missing"),
     py::arg("method"), py::arg("confidence"), py::arg("adjustment"), py::arg("thresholds"),
     py::arg("mode") = "alert", py::arg("freq") = "M",
     "health_table with the periods of `times` on the grid (starts, labels; periods of "
     "`freq`) found while counting; missing=\"skip\" also leaves out missing times.");

  m.def("rolling_health_over_time", [](const py::array& scores,
                                       const py::array_t<int64_t, py::array::c_style>& times,
                                       const py::array_t<int64_t, py::array::c_style>& starts,
                                       const std::vector<std::string>& labels,
                                       const std::string& tz, int64_t window_days,
                                       const py::object& slices, int64_t n_slices,
                                       const Cutoffs& cutoffs, const std::string& missing,
                                       const std::string& method, double confidence,
                                       const std::string& adjustment, const py::dict& thresholds,
                                       const std::string& mode, const std::string& freq) {
    CheckVector(times, "times");
    CheckVector(starts, "starts");
    const HealthOptions opt = MakeHealthOptions(cutoffs, missing, method, confidence, adjustment,
                                                thresholds, mode, freq);
    PeriodGrid g;
    g.frequency = opt.frequency;
    g.time_zone = tz;
    g.starts.assign(starts.data(), starts.data() + starts.size());
    g.labels = labels;
    const bool skip = opt.scores.missing == Missing::kSkip;
    return TableDict(ValueOrThrow(DispatchCodes(slices, [&](auto sl) {
      return DispatchScores(scores, [&](auto span) {
        py::gil_scoped_release release;
        return RollingHealthOverTime(span, View<int64_t>(times), g, window_days, sl, n_slices,
                                     opt, skip);
      });
    })));
  }, py::arg("scores"), py::arg("times"), py::arg("starts"), py::arg("labels"), py::arg("tz"),
     py::arg("window_days"), py::arg("slices"), py::arg("n_slices"), py::arg("cutoffs"),
     py::arg("missing"), py::arg("method"), py::arg("confidence"), py::arg("adjustment"),
     py::arg("thresholds"), py::arg("mode") = "alert", py::arg("freq") = "M",
     "health_table of rolling windows of `window_days` days ending at each period end of the "
     "grid (starts, labels in `tz`), with window_start / window_end.");

  m.def("health_from_histogram", [](const py::array_t<int64_t, py::array::c_style>& histogram,
                                    int64_t n_periods, int64_t n_slices,
                                    const py::array_t<int64_t, py::array::c_style>& skipped,
                                    const Cutoffs& cutoffs, const std::string& missing,
                                    const std::string& method, double confidence,
                                    const std::string& adjustment, const py::dict& thresholds,
                                    const std::string& mode, const std::string& freq) {
    // Any shape (rows x bins as TableDict gives it, or flat): read in C order.
    const HealthOptions opt = MakeHealthOptions(cutoffs, missing, method, confidence, adjustment,
                                                thresholds, mode, freq);
    CheckVector(skipped, "skipped");
    const absl::Span<const int64_t> h(histogram.data(), static_cast<size_t>(histogram.size()));
    const absl::Span<const int64_t> sk = View<int64_t>(skipped);
    absl::StatusOr<HealthTable> t;
    {
      py::gil_scoped_release release;
      t = HealthFromHistogram(h, n_periods, n_slices, opt, sk);
    }
    return TableDict(ValueOrThrow(std::move(t)));
  }, py::arg("histogram"), py::arg("n_periods"), py::arg("n_slices"), py::arg("skipped"),
     py::arg("cutoffs"), py::arg("missing"), py::arg("method"), py::arg("confidence"),
     py::arg("adjustment"), py::arg("thresholds"), py::arg("mode") = "alert",
     py::arg("freq") = "M",
     "health_table of histograms counted elsewhere and added up (n_slices x n_periods x "
     "(scale + 1) counts, slice-major; skipped: one count per row or empty): equal "
     "histograms give equal tables.");

  m.def("segment_trends", [](const py::array& scores, const py::array_t<int32_t, py::array::c_style>& periods,
                             int64_t n_periods, const py::object& slices, int64_t n_slices,
                             const Cutoffs& cutoffs, const std::string& missing,
                             int trend_periods, const std::string& adjustment) {
    HealthOptions opt;
    opt.scores = MakeScoreOptions(cutoffs, missing);
    const Adjustment adj = ValueOrThrow(ParseAdjustment(adjustment));
    HealthTable t = RunHealth(scores, periods, n_periods, slices, n_slices, opt);
    return TrendsDict(ValueOrThrow(SegmentTrends(t, trend_periods, adj)));
  }, py::arg("scores"), py::arg("periods"), py::arg("n_periods"), py::arg("slices"),
     py::arg("n_slices"), py::arg("cutoffs"), py::arg("missing"), py::arg("trend_periods"),
     py::arg("adjustment"));

  m.def("segment_trends_from_histogram", [](const py::array_t<int64_t, py::array::c_style>& histogram,
                                            int64_t n_periods, int64_t n_slices,
                                            const py::array_t<int64_t, py::array::c_style>& skipped,
                                            const Cutoffs& cutoffs, const std::string& missing,
                                            int trend_periods, const std::string& adjustment) {
    HealthOptions opt;
    opt.scores = MakeScoreOptions(cutoffs, missing);
    const Adjustment adj = ValueOrThrow(ParseAdjustment(adjustment));
    CheckVector(skipped, "skipped");
    const absl::Span<const int64_t> h(histogram.data(), static_cast<size_t>(histogram.size()));
    HealthTable t = ValueOrThrow(HealthFromHistogram(h, n_periods, n_slices, opt,
                                                     View<int64_t>(skipped)));
    return TrendsDict(ValueOrThrow(SegmentTrends(t, trend_periods, adj)));
  }, py::arg("histogram"), py::arg("n_periods"), py::arg("n_slices"), py::arg("skipped"),
     py::arg("cutoffs"), py::arg("missing"), py::arg("trend_periods"), py::arg("adjustment"),
     "segment_trends of histograms counted elsewhere and added up (as health_from_histogram): "
     "equal histograms give equal trends.");

  m.def("migration", [](const py::array& scores, const py::array_t<int64_t, py::array::c_style>& customers,
                        const py::array_t<int64_t, py::array::c_style>& times,
                        const py::array_t<int32_t, py::array::c_style>& periods, int64_t n_periods,
                        const Cutoffs& cutoffs, const std::string& missing) {
    CheckVector(customers, "customers");
    CheckVector(times, "times");
    CheckVector(periods, "periods");
    const ScoreOptions opt = MakeScoreOptions(cutoffs, missing);
    MigrationTable t = ValueOrThrow(DispatchScores(scores, [&](auto span) {
      py::gil_scoped_release release;
      return Migration(span, View<int64_t>(customers), View<int64_t>(times),
                       View<int32_t>(periods), n_periods, opt);
    }));
    py::array_t<int64_t> counts({static_cast<py::ssize_t>(t.n_periods), py::ssize_t{3}, py::ssize_t{3}});
    std::copy(t.counts.begin(), t.counts.end(), counts.mutable_data());
    py::dict out;
    out["counts"] = counts;
    out["customers"] = t.customers;
    out["pairs"] = t.pairs;
    out["excluded"] = t.excluded;
    out["skipped"] = t.skipped;
    return out;
  }, py::arg("scores"), py::arg("customers"), py::arg("times"), py::arg("periods"),
     py::arg("n_periods"), py::arg("cutoffs"), py::arg("missing"));

  m.def("attribute_change", [](const std::vector<Counts>& a, const std::vector<Counts>& b) {
    Attribution t = ValueOrThrow(AttributeChange(a, b));
    py::dict out;
    out["weight_a"] = Array(t.weight_a);
    out["weight_b"] = Array(t.weight_b);
    out["nps_a"] = Array(t.nps_a);
    out["nps_b"] = Array(t.nps_b);
    out["mix"] = Array(t.mix);
    out["rate"] = Array(t.rate);
    out["total"] = Array(t.total);
    out["overall_a"] = t.overall_a;
    out["overall_b"] = t.overall_b;
    out["change"] = t.change;
    return out;
  }, py::arg("a"), py::arg("b"));

  m.def("event_impact", [](const py::array& scores, const py::array_t<int64_t, py::array::c_style>& times,
                           const py::object& slices, int64_t n_slices,
                           const py::array_t<int64_t, py::array::c_style>& events,
                           int64_t before_ns, int64_t after_ns, const Cutoffs& cutoffs,
                           const std::string& missing, const std::string& method,
                           double confidence) {
    CheckVector(times, "times");
    CheckVector(events, "events");
    py::array_t<int64_t, py::array::c_style> hold;
    const absl::Span<const int64_t> sl = OptionalColumn(slices, hold, "slices");
    const ScoreOptions opt = MakeScoreOptions(cutoffs, missing);
    const IntervalOptions iopt = MakeIntervalOptions(method, confidence);
    std::vector<EventImpactRow> rows = ValueOrThrow(DispatchScores(scores, [&](auto span) {
      py::gil_scoped_release release;
      return EventImpact(span, View<int64_t>(times), sl, n_slices, View<int64_t>(events),
                         before_ns, after_ns, opt, iopt);
    }));
    py::list out;
    for (const EventImpactRow& r : rows) {
      out.append(py::make_tuple(r.event, r.slice, r.before, r.after, r.change, r.outside_data));
    }
    return out;
  }, py::arg("scores"), py::arg("times"), py::arg("slices"), py::arg("n_slices"),
     py::arg("events"), py::arg("before_ns"), py::arg("after_ns"), py::arg("cutoffs"),
     py::arg("missing"), py::arg("method"), py::arg("confidence"));

  m.def("account_nps", [](const py::array& scores, const py::array_t<int64_t, py::array::c_style>& accounts,
                          int64_t n_accounts, const py::object& contacts, const py::object& times,
                          const std::string& how, const py::object& account_weights, double min_n,
                          const Cutoffs& cutoffs, const std::string& missing,
                          const std::string& method, double confidence) {
    CheckVector(accounts, "accounts");
    py::array_t<int64_t, py::array::c_style> hc, ht;
    py::array_t<double, py::array::c_style> hw;
    const absl::Span<const int64_t> c = OptionalColumn(contacts, hc, "contacts");
    const absl::Span<const int64_t> t = OptionalColumn(times, ht, "times");
    const absl::Span<const double> w = OptionalColumn(account_weights, hw, "account_weights");
    const RollUp roll = ValueOrThrow(ParseRollUp(how));
    const ScoreOptions opt = MakeScoreOptions(cutoffs, missing);
    const IntervalOptions iopt = MakeIntervalOptions(method, confidence);
    AccountTable a = ValueOrThrow(DispatchScores(scores, [&](auto span) {
      py::gil_scoped_release release;
      return AccountNps(span, View<int64_t>(accounts), n_accounts, c, t, roll, w, min_n, opt, iopt);
    }));
    py::dict out;
    out["responses"] = Array(a.responses);
    out["contacts"] = Array(a.contacts);
    out["mean_score"] = Array(a.mean_score);
    out["nps"] = Array(a.nps);
    out["segment"] = Array(a.segment);
    out["small"] = Array(a.small);
    out["overall"] = a.overall;
    return out;
  }, py::arg("scores"), py::arg("accounts"), py::arg("n_accounts"), py::arg("contacts"),
     py::arg("times"), py::arg("how"), py::arg("account_weights"), py::arg("min_n"),
     py::arg("cutoffs"), py::arg("missing"), py::arg("method"), py::arg("confidence"));
}

}  // namespace npscore::python
