// Python bindings of npscore/themes.h: the tagger and the theme impact table.

#include "npscore/themes.h"

#include <Python.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <array>
#include <cstring>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "common.h"

namespace npscore::python {
namespace {

InvalidUtf8 ParseInvalid(const std::string& invalid) {
  if (invalid == "error") return InvalidUtf8::kError;
  if (invalid == "replace") return InvalidUtf8::kReplace;
  throw py::value_error("invalid is \"" + invalid + "\": use \"error\" or \"replace\"");
}

// Views of the UTF-8 bytes of each comment of a 1-D object array: str (its
// UTF-8 form), bytes (as they are) or None (no text). `keep` holds encoded
// copies alive where one was needed.
std::vector<absl::string_view> CommentViews(const py::array& comments, bool replace,
                                            std::vector<py::object>& keep) {
  if (comments.ndim() != 1 || comments.dtype().kind() != 'O' || !(comments.flags() & py::array::c_style)) {
    throw py::type_error("comments must be a contiguous 1-D object array (the Python layer converts them)");
  }
  const auto n = static_cast<size_t>(comments.size());
  auto* const* items = static_cast<PyObject* const*>(comments.data());
  std::vector<absl::string_view> views(n);
  for (size_t i = 0; i < n; ++i) {
    PyObject* o = items[i];
    if (o == Py_None) continue;
    if (PyUnicode_Check(o)) {
      Py_ssize_t size = 0;
      const char* data = PyUnicode_AsUTF8AndSize(o, &size);
      if (data == nullptr) {
        PyErr_Clear();  // a lone surrogate: no UTF-8 form
        if (!replace) {
          throw py::value_error("comment " + std::to_string(i) +
                                " is not valid UTF-8 (it holds a lone surrogate); decode it first, or "
                                "ask to replace invalid text (invalid=\"replace\")");
        }
        py::object encoded = py::reinterpret_steal<py::object>(
            PyUnicode_AsEncodedString(o, "utf-8", "replace"));
        if (!encoded) throw py::error_already_set();
        char* buf = nullptr;
        PyBytes_AsStringAndSize(encoded.ptr(), &buf, &size);
        views[i] = absl::string_view(buf, static_cast<size_t>(size));
        keep.push_back(std::move(encoded));
        continue;
      }
      views[i] = absl::string_view(data, static_cast<size_t>(size));
    } else if (PyBytes_Check(o)) {
      char* data = nullptr;
      Py_ssize_t size = 0;
      PyBytes_AsStringAndSize(o, &data, &size);
      views[i] = absl::string_view(data, static_cast<size_t>(size));
    } else {
      throw py::type_error("comment " + std::to_string(i) + " is a " +
                           std::string(Py_TYPE(o)->tp_name) + ": comments must be str, bytes or None");
    }
  }
  return views;
}

std::vector<Theme> MakeTaxonomy(const std::vector<std::pair<std::string, std::vector<std::string>>>& t) {
  std::vector<Theme> out;
  out.reserve(t.size());
  for (const auto& [name, keywords] : t) out.push_back({name, keywords});
  return out;
}

std::vector<std::pair<std::string, std::vector<std::string>>> TaxonomyPairs(const std::vector<Theme>& t) {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  for (const Theme& theme : t) out.emplace_back(theme.name, theme.keywords);
  return out;
}

// A tagger's pickle state (common.h): its taxonomy, which Create compiles
// again on restore (the compiled matcher is not stored).
struct ThemeTaggerState {
  using Taxonomy = std::vector<std::pair<std::string, std::vector<std::string>>>;
  static constexpr int kVersion = 1;
  static constexpr const char* kClass = "ThemeTagger";
  static constexpr std::array<const char*, 1> kFields = {"taxonomy"};
  using Fields = std::tuple<Taxonomy>;
  static Fields Of(const ThemeTagger& t) { return {TaxonomyPairs(t.taxonomy())}; }
  static ThemeTagger Make(const Fields& f) {
    return ValueOrThrow(ThemeTagger::Create(MakeTaxonomy(std::get<0>(f))));
  }
};

}  // namespace

void BindThemes(py::module_& m) {
  m.def("default_taxonomy", [] { return TaxonomyPairs(DefaultTaxonomy()); },
        "The default taxonomy as (theme, keywords) pairs.");
  m.def("normalize_text", [](const std::string& text, bool replace) {
    return ValueOrThrow(NormalizeText(text, replace));
  }, py::arg("text"), py::arg("replace") = false);

  py::class_<ThemeTagger> tagger(m, "ThemeTagger",
                                 "A compiled taxonomy; pickles as its taxonomy (compiled again "
                                 "when loaded).");
  DefPickle<ThemeTaggerState>(tagger);
  tagger
      .def(py::init([](const std::vector<std::pair<std::string, std::vector<std::string>>>& taxonomy) {
             return ValueOrThrow(ThemeTagger::Create(MakeTaxonomy(taxonomy)));
           }),
           py::arg("taxonomy"))
      .def_property_readonly("taxonomy", [](const ThemeTagger& t) { return TaxonomyPairs(t.taxonomy()); })
      .def_property_readonly("themes", [](const ThemeTagger& t) {
        std::vector<std::string> names;
        for (const Theme& theme : t.taxonomy()) names.push_back(theme.name);
        return names;
      })
      .def("tag", [](const ThemeTagger& t, const py::array& comments, const std::string& invalid,
                     int threads) {
        TagOptions opt;
        opt.invalid_utf8 = ParseInvalid(invalid);
        opt.threads = threads;
        std::vector<py::object> keep;
        const std::vector<absl::string_view> views =
            CommentViews(comments, opt.invalid_utf8 == InvalidUtf8::kReplace, keep);
        absl::StatusOr<ThemeIndicators> ind;
        {
          py::gil_scoped_release release;
          ind = t.Tag(views, opt);
        }
        ThrowIfError(ind.status());
        py::array_t<uint8_t> out({static_cast<py::ssize_t>(ind->n_rows), static_cast<py::ssize_t>(ind->n_themes)});
        if (!ind->values.empty()) std::memcpy(out.mutable_data(), ind->values.data(), ind->values.size());
        return out;
      }, py::arg("comments"), py::arg("invalid") = "error", py::arg("threads") = 0);

  m.def("theme_impact", [](const py::array_t<uint8_t, py::array::c_style>& indicators,
                           const py::array_t<int8_t, py::array::c_style>& segment,
                           const py::array_t<double, py::array::c_style>& clv, const std::string& basis) {
    if (indicators.ndim() != 2) throw py::value_error("indicators must be two-dimensional (rows x themes)");
    CheckVector(segment, "segment");
    CheckVector(clv, "clv");
    ImpactClv b;
    if (basis == "segment") b = ImpactClv::kSegment;
    else if (basis == "mentioners") b = ImpactClv::kMentioners;
    else throw py::value_error("clv_basis is \"" + basis + "\": use \"segment\" or \"mentioners\"");
    const int64_t n_themes = indicators.shape(1);
    absl::StatusOr<ThemeImpactTable> t;
    {
      py::gil_scoped_release release;
      t = ThemeImpact(absl::Span<const uint8_t>(indicators.data(), static_cast<size_t>(indicators.size())),
                      n_themes, View<int8_t>(segment), View<double>(clv), b);
    }
    ThrowIfError(t.status());
    py::dict out;
    const auto k = static_cast<py::ssize_t>(t->size());
    auto by3 = [&](const auto& v) {
      using V = typename std::decay_t<decltype(v)>::value_type;
      py::array_t<V> a({k, static_cast<py::ssize_t>(3)});
      if (!v.empty()) std::memcpy(a.mutable_data(), v.data(), v.size() * sizeof(V));
      return a;
    };
    out["theme"] = Array(t->theme);
    out["mentions"] = Array(t->mentions);
    out["segment_mentions"] = by3(t->segment_mentions);
    out["segment_clv"] = by3(t->segment_clv);
    out["segment_impact"] = by3(t->segment_impact);
    out["impact"] = Array(t->impact);
    out["mentioner_clv"] = Array(t->mentioner_clv);
    out["nps"] = Array(t->nps);
    out["ci_low"] = Array(t->ci_low);
    out["ci_high"] = Array(t->ci_high);
    out["driver"] = Array(t->driver);
    return out;
  }, py::arg("indicators"), py::arg("segment"), py::arg("clv"), py::arg("clv_basis") = "segment");
}

}  // namespace npscore::python
