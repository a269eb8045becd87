// Python bindings of npscore/nps.h. Thin: argument conversion, GIL release and
// status translation only; every statistic is computed by the core.

#include "npscore/nps.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <array>
#include <string>
#include <tuple>

#include "common.h"

namespace npscore::python {
namespace {

// A count as a Python int when unweighted, a float when weighted.
py::object CountObject(const Summary& s, double v) {
  if (s.weighted) return py::float_(v);
  return py::int_(static_cast<int64_t>(v));
}

py::dict SummaryDict(const Summary& s) {
  py::dict d;
  d["n"] = CountObject(s, s.n);
  d["detractors"] = CountObject(s, s.detractors);
  d["passives"] = CountObject(s, s.passives);
  d["promoters"] = CountObject(s, s.promoters);
  d["nps"] = s.nps;
  d["se"] = s.se;
  d["ci_low"] = s.ci_low;
  d["ci_high"] = s.ci_high;
  d["method"] = IntervalMethodName(s.method);
  d["confidence"] = s.confidence;
  d["n_effective"] = s.n_effective;
  d["skipped"] = s.skipped;
  d["weighted"] = s.weighted;
  d["rows"] = s.rows;
  return d;
}

// A numpy array that takes over a vector's buffer, without a copy.
template <typename V>
py::array_t<V> Column(std::vector<V>&& v) {
  auto* heap = new std::vector<V>(std::move(v));
  py::capsule owner(heap, [](void* p) { delete static_cast<std::vector<V>*>(p); });
  return py::array_t<V>(static_cast<py::ssize_t>(heap->size()), heap->data(), owner);
}

// The chunks of an Arrow string column given as tuples of pyarrow Buffers
// (validity or None, offsets, data or None, offset, length), read through the
// buffer protocol without a copy; `held` keeps the views alive without the
// GIL. O is the offsets' type (int32: string, int64: large_string).
template <typename O>
std::vector<Utf8Chunk<O>> Utf8Chunks(const py::list& chunks, std::vector<py::buffer_info>& held) {
  auto bytes = [&](const py::handle& h) -> absl::Span<const char> {
    if (h.is_none()) return {};
    held.push_back(py::reinterpret_borrow<py::buffer>(h).request());
    const py::buffer_info& b = held.back();
    return {static_cast<const char*>(b.ptr), static_cast<size_t>(b.size * b.itemsize)};
  };
  std::vector<Utf8Chunk<O>> parts;
  parts.reserve(chunks.size());
  for (const py::handle item : chunks) {
    const py::tuple t = py::reinterpret_borrow<py::tuple>(item);
    if (t.size() != 5) throw py::value_error("a chunk is (validity, offsets, data, offset, length)");
    Utf8Chunk<O> c;
    const absl::Span<const char> v = bytes(t[0]), o = bytes(t[1]);
    c.validity = {reinterpret_cast<const uint8_t*>(v.data()), v.size()};
    if (reinterpret_cast<uintptr_t>(o.data()) % alignof(O) != 0) {
      throw py::value_error("offsets buffer is not aligned");
    }
    c.offsets = {reinterpret_cast<const O*>(o.data()), o.size() / sizeof(O)};
    c.data = bytes(t[2]);
    c.offset = t[3].cast<int64_t>();
    c.length = t[4].cast<int64_t>();
    parts.push_back(c);
  }
  return parts;
}

// Pickle states and value equality (common.h): the plain fields, enums by name.
struct CutoffsState {
  static constexpr int kVersion = 1;
  static constexpr const char* kClass = "Cutoffs";
  static constexpr std::array<const char*, 3> kFields = {"detractor_max", "passive_max",
                                                         "scale_max"};
  using Fields = std::tuple<int, int, int>;
  static Fields Of(const Cutoffs& c) { return {c.detractor_max, c.passive_max, c.scale_max}; }
  static Cutoffs Make(const Fields& f) {
    const Cutoffs c{std::get<0>(f), std::get<1>(f), std::get<2>(f)};
    ThrowIfError(ValidateCutoffs(c));
    return c;
  }
};

struct CountsState {
  static constexpr int kVersion = 1;
  static constexpr const char* kClass = "Counts";
  static constexpr std::array<const char*, 4> kFields = {"detractors", "passives", "promoters",
                                                         "skipped"};
  using Fields = std::tuple<int64_t, int64_t, int64_t, int64_t>;
  static Fields Of(const Counts& c) { return {c.detractors, c.passives, c.promoters, c.skipped}; }
  static Counts Make(const Fields& f) {
    const Counts c{std::get<0>(f), std::get<1>(f), std::get<2>(f), std::get<3>(f)};
    ThrowIfError(ValidateCounts(c));
    return c;
  }
};

// The fields in to_dict's order.
struct SummaryState {
  static constexpr int kVersion = 1;
  static constexpr const char* kClass = "Summary";
  static constexpr std::array<const char*, 14> kFields = {
      "n",  "detractors", "passives", "promoters",  "nps",         "se",       "ci_low",
      "ci_high", "method", "confidence", "n_effective", "skipped", "weighted", "rows"};
  using Fields = std::tuple<double, double, double, double, double, double, double, double,
                            std::string, double, double, int64_t, bool, int64_t>;
  static Fields Of(const Summary& s) {
    return {s.n,       s.detractors,  s.passives,   s.promoters, s.nps,
            s.se,      s.ci_low,      s.ci_high,    IntervalMethodName(s.method),
            s.confidence, s.n_effective, s.skipped, s.weighted,  s.rows};
  }
  static Summary Make(const Fields& f) {
    Summary s;
    std::string method;
    std::tie(s.n, s.detractors, s.passives, s.promoters, s.nps, s.se, s.ci_low, s.ci_high, method,
             s.confidence, s.n_effective, s.skipped, s.weighted, s.rows) = f;
    s.method = ValueOrThrow(ParseIntervalMethod(method));
    ThrowIfError(ValidateIntervalOptions({s.method, s.confidence}));
    return s;
  }
};

// The test of a comparison by its name (TestKindName's inverse).
TestKind ParseTestKind(const std::string& name) {
  for (const TestKind k : {TestKind::kWald, TestKind::kAdjustedWald, TestKind::kScore,
                           TestKind::kExact, TestKind::kMidP}) {
    if (name == TestKindName(k)) return k;
  }
  throw py::value_error("Comparison state field test is \"" + name +
                        "\": use wald, adjusted-wald, score, exact or mid-p");
}

struct ComparisonState {
  static constexpr int kVersion = 1;
  static constexpr const char* kClass = "Comparison";
  static constexpr std::array<const char*, 9> kFields = {
      "diff", "se", "z", "p_value", "ci_low", "ci_high", "method", "confidence", "test"};
  using Fields = std::tuple<double, double, double, double, double, double, std::string, double,
                            std::string>;
  static Fields Of(const Comparison& c) {
    return {c.diff,   c.se,      c.z, c.p_value, c.ci_low, c.ci_high, IntervalMethodName(c.method),
            c.confidence, TestKindName(c.test)};
  }
  static Comparison Make(const Fields& f) {
    Comparison c;
    std::string method, test;
    std::tie(c.diff, c.se, c.z, c.p_value, c.ci_low, c.ci_high, method, c.confidence, test) = f;
    c.method = ValueOrThrow(ParseIntervalMethod(method));
    ThrowIfError(ValidateIntervalOptions({c.method, c.confidence}));
    c.test = ParseTestKind(test);
    return c;
  }
};

}  // namespace

// Counts, Summary and Comparison print (__repr__, _repr_html_) from npscore/nps.py.
void BindNps(py::module_& m) {
  py::class_<Cutoffs> cutoffs(m, "Cutoffs",
                              "Segment cut-offs on the scale 0..scale_max.\n\nEqual (==) and "
                              "hashed by value; pickles (a versioned tuple of its fields).");
  cutoffs
      .def(py::init([](int detractor_max, int passive_max, int scale_max) {
             Cutoffs c{detractor_max, passive_max, scale_max};
             ThrowIfError(ValidateCutoffs(c));
             return c;
           }),
           py::arg("detractor_max") = Cutoffs().detractor_max,
           py::arg("passive_max") = Cutoffs().passive_max,
           py::arg("scale_max") = Cutoffs().scale_max)
      .def_readonly("detractor_max", &Cutoffs::detractor_max)
      .def_readonly("passive_max", &Cutoffs::passive_max)
      .def_readonly("scale_max", &Cutoffs::scale_max)
      .def("__repr__", [](const Cutoffs& c) {
        return "Cutoffs(detractor_max=" + std::to_string(c.detractor_max) +
               ", passive_max=" + std::to_string(c.passive_max) +
               ", scale_max=" + std::to_string(c.scale_max) + ")";
      });

  DefValue<CutoffsState>(cutoffs);

  py::class_<Counts> counts(m, "Counts",
                            "Respondents per segment; mergeable across partitions.\n\nEqual (==) "
                            "and hashed by value; pickles (a versioned tuple of its fields), so "
                            "copy.deepcopy, joblib and multiprocessing take it.");
  counts
      .def(py::init([](int64_t d, int64_t pa, int64_t p, int64_t skipped) {
             const Counts c{d, pa, p, skipped};
             ThrowIfError(ValidateCounts(c));
             return c;
           }),
           py::arg("detractors"), py::arg("passives"), py::arg("promoters"),
           py::arg("skipped") = 0)
      .def_readonly("detractors", &Counts::detractors)
      .def_readonly("passives", &Counts::passives)
      .def_readonly("promoters", &Counts::promoters)
      .def_readonly("skipped", &Counts::skipped)
      .def_property_readonly("n", &Counts::n)
      .def("merge", [](const Counts& a, const Counts& b) { return ValueOrThrow(MergeCounts(a, b)); },
           "Returns the counts of both partitions together.");

  DefValue<CountsState>(counts);

  py::class_<Summary> summary(
      m, "Summary",
      "An NPS (-100..100) with its standard error and interval.\n\nEqual (==) to another "
      "Summary when every field is equal, a NaN field equal to NaN (the statistics of an empty "
      "group are NaN: two such summaries are equal); hashed alike. Pickles (a versioned tuple "
      "of its fields), so copy.deepcopy, joblib and multiprocessing take it.");
  summary
      .def_property_readonly("n", [](const Summary& s) { return CountObject(s, s.n); })
      .def_property_readonly("detractors", [](const Summary& s) { return CountObject(s, s.detractors); })
      .def_property_readonly("passives", [](const Summary& s) { return CountObject(s, s.passives); })
      .def_property_readonly("promoters", [](const Summary& s) { return CountObject(s, s.promoters); })
      .def_readonly("nps", &Summary::nps)
      .def_readonly("se", &Summary::se)
      .def_readonly("ci_low", &Summary::ci_low)
      .def_readonly("ci_high", &Summary::ci_high)
      .def_property_readonly("method", [](const Summary& s) { return IntervalMethodName(s.method); })
      .def_readonly("confidence", &Summary::confidence)
      .def_readonly("n_effective", &Summary::n_effective)
      .def_readonly("skipped", &Summary::skipped)
      .def_readonly("weighted", &Summary::weighted)
      .def_readonly("rows", &Summary::rows,
                    "Responses counted (the respondents; n is their weight sum when weighted).")
      .def_property_readonly("share_detractors", &Summary::share_detractors)
      .def_property_readonly("share_passives", &Summary::share_passives)
      .def_property_readonly("share_promoters", &Summary::share_promoters)
      .def("to_dict", &SummaryDict, "The fields as a plain dict.");

  DefValue<SummaryState>(summary);

  py::class_<Comparison> comparison(
      m, "Comparison",
      "The difference a - b of two NPS and its test.\n\nEqual (==) to another Comparison when "
      "every field is equal, a NaN field equal to NaN; hashed alike. Pickles (a versioned tuple "
      "of its fields), so copy.deepcopy, joblib and multiprocessing take it.");
  comparison
      .def_readonly("diff", &Comparison::diff)
      .def_readonly("se", &Comparison::se)
      .def_readonly("z", &Comparison::z)
      .def_readonly("p_value", &Comparison::p_value)
      .def_readonly("ci_low", &Comparison::ci_low)
      .def_readonly("ci_high", &Comparison::ci_high)
      .def_property_readonly("method", [](const Comparison& c) { return IntervalMethodName(c.method); })
      .def_readonly("confidence", &Comparison::confidence)
      .def_property_readonly("test", [](const Comparison& c) { return TestKindName(c.test); },
                             "The test that gave p_value: wald, adjusted-wald, score, exact or mid-p.")
      .def("to_dict", [](const Comparison& c) {
        py::dict d;
        d["diff"] = c.diff;
        d["se"] = c.se;
        d["z"] = c.z;
        d["p_value"] = c.p_value;
        d["ci_low"] = c.ci_low;
        d["ci_high"] = c.ci_high;
        d["method"] = IntervalMethodName(c.method);
        d["confidence"] = c.confidence;
        d["test"] = TestKindName(c.test);
        return d;
      }, "The fields as a plain dict.");
  DefValue<ComparisonState>(comparison);

  m.def("segment", [](const py::array& scores, const Cutoffs& cutoffs) {
    py::array_t<int8_t> out(scores.size());
    auto view = absl::Span<int8_t>(out.mutable_data(), static_cast<size_t>(out.size()));
    absl::Status st = DispatchScores(scores, [&](auto span) {
      py::gil_scoped_release release;
      return SegmentInto(span, view, cutoffs);
    });
    ThrowIfError(st);
    return out;
  }, py::arg("scores"), py::arg("cutoffs"));

  m.def("count", [](const py::array& scores, const Cutoffs& cutoffs, const std::string& missing) {
    const ScoreOptions opt = MakeScoreOptions(cutoffs, missing);
    return ValueOrThrow(DispatchScores(scores, [&](auto span) {
      py::gil_scoped_release release;
      return CountSegments(span, opt);
    }));
  }, py::arg("scores"), py::arg("cutoffs"), py::arg("missing"));

  m.def("summarize", [](const py::array& scores, const py::object& weights, const Cutoffs& cutoffs,
                        const std::string& missing, const std::string& method, double confidence) {
    const ScoreOptions opt = MakeScoreOptions(cutoffs, missing);
    const IntervalOptions iopt = MakeIntervalOptions(method, confidence);
    if (weights.is_none()) {
      return ValueOrThrow(DispatchScores(scores, [&](auto span) -> absl::StatusOr<Summary> {
        py::gil_scoped_release release;
        auto counts = CountSegments(span, opt);
        if (!counts.ok()) return counts.status();
        return Summarize(*counts, iopt);
      }));
    }
    const auto w = weights.cast<py::array_t<double, py::array::c_style>>();
    CheckVector(w, "weights");
    return ValueOrThrow(DispatchScores(scores, [&](auto span) -> absl::StatusOr<Summary> {
      py::gil_scoped_release release;
      auto counts = CountSegmentsWeighted(span, View<double>(w), opt);
      if (!counts.ok()) return counts.status();
      return Summarize(*counts, iopt);
    }));
  }, py::arg("scores"), py::arg("weights"), py::arg("cutoffs"), py::arg("missing"),
     py::arg("method"), py::arg("confidence"));

  m.def("summarize_counts", [](const Counts& counts, const std::string& method, double confidence) {
    return ValueOrThrow(Summarize(counts, MakeIntervalOptions(method, confidence)));
  }, py::arg("counts"), py::arg("method"), py::arg("confidence"));

  m.def("compare", [](const Summary& a, const Summary& b, const std::string& method,
                      double confidence, const std::string& test) {
    const IntervalOptions io = MakeIntervalOptions(method, confidence);
    const CompareOptions o{io.method, io.confidence, ValueOrThrow(ParseCompareTest(test))};
    absl::StatusOr<Comparison> c;
    {
      py::gil_scoped_release release;  // the interval's root finding takes ~0.1 ms
      c = Compare(a, b, o);
    }
    return ValueOrThrow(std::move(c));
  }, py::arg("a"), py::arg("b"), py::arg("method"), py::arg("confidence"), py::arg("test"));

  m.def("factorize_keys", [](const py::array_t<int64_t, py::array::c_style>& keys) {
    CheckVector(keys, "keys");
    KeyCodes k;
    {
      py::gil_scoped_release release;
      k = FactorizeKeys(View<int64_t>(keys));
    }
    return py::make_tuple(Column(std::move(k.codes)), Column(std::move(k.keys)));
  }, py::arg("keys"), "Codes of integer keys in ascending key order, and the distinct keys.");

  m.def("factorize_utf8", [](const py::list& chunks, bool large) {
    auto run = [&](auto tag) {
      using O = decltype(tag);
      std::vector<py::buffer_info> held;
      const std::vector<Utf8Chunk<O>> parts = Utf8Chunks<O>(chunks, held);
      absl::StatusOr<StringKeyCodes> coded;
      {
        py::gil_scoped_release release;
        coded = FactorizeUtf8Keys<O>(absl::MakeConstSpan(parts));
      }
      StringKeyCodes k = ValueOrThrow(std::move(coded));
      return py::make_tuple(Array(std::move(k.codes)), Array(std::move(k.key_rows)),
                            k.has_missing);
    };
    return large ? run(int64_t{}) : run(int32_t{});
  }, py::arg("chunks"), py::arg("large"),
     "(int32 codes in ascending byte order with missing last, each group's first row, "
     "has_missing) of an Arrow string column given as its buffers (chunks of (validity or "
     "None, offsets, data or None, offset, length); `large`: int64 offsets).");

  // The by-group table as a dict of numpy columns (no copies).
  auto table_dict = [](GroupTable&& t) {
    py::dict out;
    out["n"] = Column(std::move(t.n));
    out["detractors"] = Column(std::move(t.detractors));
    out["passives"] = Column(std::move(t.passives));
    out["promoters"] = Column(std::move(t.promoters));
    out["n_effective"] = Column(std::move(t.n_effective));
    out["nps"] = Column(std::move(t.nps));
    out["se"] = Column(std::move(t.se));
    out["ci_low"] = Column(std::move(t.ci_low));
    out["ci_high"] = Column(std::move(t.ci_high));
    out["skipped"] = Column(std::move(t.skipped));
    out["rows"] = Column(std::move(t.rows));
    py::array_t<bool> small(static_cast<py::ssize_t>(t.small.size()));
    for (size_t i = 0; i < t.small.size(); ++i) small.mutable_at(i) = t.small[i] != 0;
    out["small"] = small;
    return out;
  };
  auto group_options = [](const Cutoffs& cutoffs, const std::string& missing,
                          const std::string& method, double confidence, double min_n) {
    GroupOptions opt;
    opt.scores = MakeScoreOptions(cutoffs, missing);
    opt.interval = MakeIntervalOptions(method, confidence);
    opt.min_n = min_n;
    return opt;
  };

  m.def("by_group", [=](const py::array& scores, const py::array& codes, int64_t n_groups,
                        const py::object& weights, const Cutoffs& cutoffs,
                        const std::string& missing, const std::string& method,
                        double confidence, double min_n) {
    CheckVector(codes, "codes");
    const GroupOptions opt = group_options(cutoffs, missing, method, confidence, min_n);
    py::array_t<double, py::array::c_style> hold;
    const absl::Span<const double> w = OptionalColumn(weights, hold, "weights");
    auto run = [&](auto code_span) {
      return ValueOrThrow(DispatchScores(scores, [&](auto span) {
        py::gil_scoped_release release;
        return SummarizeByGroup(span, code_span, n_groups, w, opt);
      }));
    };
    const py::dtype dt = codes.dtype();
    if (dt.kind() != 'i') throw py::type_error("codes must be signed integers");
    switch (dt.itemsize()) {
      case 1: return table_dict(run(View<int8_t>(codes)));
      case 2: return table_dict(run(View<int16_t>(codes)));
      case 4: return table_dict(run(View<int32_t>(codes)));
      case 8: return table_dict(run(View<int64_t>(codes)));
    }
    throw py::type_error("codes must be int8, int16, int32 or int64");
  }, py::arg("scores"), py::arg("codes"), py::arg("n_groups"), py::arg("weights"),
     py::arg("cutoffs"), py::arg("missing"), py::arg("method"), py::arg("confidence"),
     py::arg("min_n"));

  m.def("by_key", [=](const py::array& scores, const py::array_t<int64_t, py::array::c_style>& keys,
                      const py::object& weights, const Cutoffs& cutoffs,
                      const std::string& missing, const std::string& method, double confidence,
                      double min_n) {
    CheckVector(keys, "keys");
    const GroupOptions opt = group_options(cutoffs, missing, method, confidence, min_n);
    py::array_t<double, py::array::c_style> hold;
    const absl::Span<const double> w = OptionalColumn(weights, hold, "weights");
    KeyedGroupTable t = ValueOrThrow(DispatchScores(scores, [&](auto span) {
      py::gil_scoped_release release;
      return SummarizeByKey(span, View<int64_t>(keys), w, opt);
    }));
    return py::make_tuple(Column(std::move(t.keys)), table_dict(std::move(t.table)));
  }, py::arg("scores"), py::arg("keys"), py::arg("weights"), py::arg("cutoffs"),
     py::arg("missing"), py::arg("method"), py::arg("confidence"), py::arg("min_n"),
     "By-group summaries keyed by integer keys: (distinct keys, columns).");

  m.def("by_utf8_key", [=](const py::array& scores, const py::list& chunks, bool large,
                           const py::object& weights, const Cutoffs& cutoffs,
                           const std::string& missing, const std::string& method,
                           double confidence, double min_n) {
    const GroupOptions opt = group_options(cutoffs, missing, method, confidence, min_n);
    py::array_t<double, py::array::c_style> hold;
    const absl::Span<const double> w = OptionalColumn(weights, hold, "weights");
    auto run = [&](auto tag) {
      using O = decltype(tag);
      std::vector<py::buffer_info> held;
      const std::vector<Utf8Chunk<O>> parts = Utf8Chunks<O>(chunks, held);
      return ValueOrThrow(DispatchScores(scores, [&](auto span) {
        py::gil_scoped_release release;
        return SummarizeByUtf8Key(span, absl::MakeConstSpan(parts), w, opt);
      }));
    };
    StringKeyedGroupTable t = large ? run(int64_t{}) : run(int32_t{});
    return py::make_tuple(Array(std::move(t.key_rows)), t.has_missing,
                          table_dict(std::move(t.table)));
  }, py::arg("scores"), py::arg("chunks"), py::arg("large"), py::arg("weights"),
     py::arg("cutoffs"), py::arg("missing"), py::arg("method"), py::arg("confidence"),
     py::arg("min_n"),
     "By-group summaries keyed by an Arrow string column given as its buffers (chunks as "
     "factorize_utf8 takes them): (each group's first row, has_missing, columns), groups in "
     "ascending byte order of the keys, the missing key last.");
}

}  // namespace npscore::python
