// Helpers shared by the pybind11 modules: status translation and dispatch of
// numpy score arrays to the typed core kernels.

#ifndef NPSCORE_BINDINGS_PYTHON_COMMON_H_
#define NPSCORE_BINDINGS_PYTHON_COMMON_H_

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "npscore/nps.h"

namespace npscore::python {

namespace py = pybind11;

// Raises the Python exception for a failed status: ValueError for bad input,
// RuntimeError otherwise. The message is the core's, unchanged.
inline void ThrowIfError(const absl::Status& status) {
  if (status.ok()) return;
  const std::string msg(status.message());
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kFailedPrecondition:
      throw py::value_error(msg);
    default:
      throw std::runtime_error(msg);
  }
}

template <typename T>
T ValueOrThrow(absl::StatusOr<T> result) {
  ThrowIfError(result.status());
  return *std::move(result);
}

// A read-only view of a 1-D contiguous numpy array, without a copy.
template <typename T>
absl::Span<const T> View(const py::array& a) {
  return absl::Span<const T>(static_cast<const T*>(a.data()), static_cast<size_t>(a.size()));
}

// Checks that `a` is one-dimensional and C-contiguous (the Python layer makes
// it so; this guards direct callers of the private module).
inline void CheckVector(const py::array& a, const char* name) {
  if (a.ndim() != 1) {
    throw py::value_error(std::string(name) + " must be one-dimensional, got " +
                          std::to_string(a.ndim()) + " dimensions");
  }
  if (!(a.flags() & py::array::c_style)) {
    throw py::value_error(std::string(name) + " must be contiguous");
  }
}

// A numpy array holding a copy of `v`.
template <typename V>
py::array_t<V> Array(const std::vector<V>& v) {
  return py::array_t<V>(static_cast<py::ssize_t>(v.size()), v.data());
}

// A numpy array that takes over `v`'s buffer (moved into a capsule): no copy.
template <typename V>
py::array_t<V> Array(std::vector<V>&& v) {
  auto* owned = new std::vector<V>(std::move(v));
  py::capsule free(owned, [](void* p) { delete static_cast<std::vector<V>*>(p); });
  return py::array_t<V>(static_cast<py::ssize_t>(owned->size()), owned->data(), free);
}

// A view of an optional column of C type V (None = empty), kept alive by
// `hold`, which must outlive the view.
template <typename V>
absl::Span<const V> OptionalColumn(const py::object& o, py::array_t<V, py::array::c_style>& hold,
                                   const char* name) {
  if (o.is_none()) return absl::Span<const V>();
  hold = o.cast<py::array_t<V, py::array::c_style>>();
  CheckVector(hold, name);
  return View<V>(hold);
}

// Calls f(absl::Span<const T>) with the score column viewed as its own element
// type T, one of the types the core kernels are instantiated for.
template <typename F>
auto DispatchScores(const py::array& scores, F&& f) {
  CheckVector(scores, "scores");
  const py::dtype dt = scores.dtype();
  if (dt.byteorder() == '>') {
    throw py::type_error("scores must be in native byte order (the Python layer converts them)");
  }
  const char kind = dt.kind();
  const auto size = dt.itemsize();
  if (kind == 'f') {
    if (size == 8) return f(View<double>(scores));
    if (size == 4) return f(View<float>(scores));
  } else if (kind == 'i') {
    if (size == 1) return f(View<int8_t>(scores));
    if (size == 2) return f(View<int16_t>(scores));
    if (size == 4) return f(View<int32_t>(scores));
    if (size == 8) return f(View<int64_t>(scores));
  } else if (kind == 'u') {
    if (size == 1) return f(View<uint8_t>(scores));
    if (size == 2) return f(View<uint16_t>(scores));
    if (size == 4) return f(View<uint32_t>(scores));
    if (size == 8) return f(View<uint64_t>(scores));
  }
  throw py::type_error("scores must be a numeric array of integers or floats, got dtype " +
                       std::string(py::str(dt)));
}

// Score options from the Python arguments `cutoffs` and `missing`.
inline ScoreOptions MakeScoreOptions(const Cutoffs& cutoffs, const std::string& missing) {
  ScoreOptions o;
  o.cutoffs = cutoffs;
  if (missing == "error") {
    o.missing = Missing::kError;
  } else if (missing == "skip") {
    o.missing = Missing::kSkip;
  } else {
    throw py::value_error("missing is \"" + missing + "\": use \"error\" or \"skip\"");
  }
  return o;
}

// Interval options from the Python arguments `method` and `confidence`.
inline IntervalOptions MakeIntervalOptions(const std::string& method, double confidence) {
  IntervalOptions o;
  o.method = ValueOrThrow(ParseIntervalMethod(method));
  o.confidence = confidence;
  ThrowIfError(ValidateIntervalOptions(o));
  return o;
}

// --- Pickle state and equality by value of the result structs -----------------
//
// A class's pickle state is a tuple: its state version, then its plain fields
// (enums by canonical name). A State struct describes one class:
//   struct SummaryState {
//     static constexpr int kVersion = 1;           // bumped when the fields change
//     static constexpr const char* kClass = "Summary";
//     static constexpr std::array<const char*, N> kFields = {...};  // field names
//     using Fields = std::tuple<...>;              // their C++ types
//     static Fields Of(const Summary& s);          // the fields of an object
//     static Summary Make(Fields f);               // the object, checked (raises)
//   };
// Restoring refuses another version or length with a ValueError naming both,
// so a state written by a later layout fails clearly instead of being misread.

// What a state field of type V must be, for errors.
template <typename V>
inline constexpr const char* kStateType = "of the field's type";
template <>
inline constexpr const char* kStateType<double> = "a float";
template <>
inline constexpr const char* kStateType<int64_t> = "an int";
template <>
inline constexpr const char* kStateType<int> = "an int";
template <>
inline constexpr const char* kStateType<bool> = "a bool";
template <>
inline constexpr const char* kStateType<std::string> = "a str";
template <>
inline constexpr const char* kStateType<py::bytes> = "bytes";

// "a str", "an int": the type of `h` with its article, for errors.
inline std::string TypeWithArticle(const py::handle& h) {
  const std::string name = py::str(py::type::handle_of(h).attr("__name__"));
  const bool vowel = !name.empty() && std::string("aeiou").find(name[0]) != std::string::npos;
  return (vowel ? "an " : "a ") + name;
}

// A Python or numpy bool (numpy's has a dtype of kind "b").
inline bool IsBool(const py::handle& h) {
  return py::isinstance<py::bool_>(h) ||
         (py::hasattr(h, "dtype") && py::str(h.attr("dtype").attr("kind")).equal(py::str("b")));
}

template <typename State, typename V>
V StateField(const py::handle& h, const char* name) {
  const std::string field = std::string(State::kClass) + " state field " + name;
  // A bool is no number here (Python would read True as 1), nor a number a
  // bool; a whole number too large for the field is out of range.
  constexpr bool kBool = std::is_same_v<V, bool>;
  const bool is_bool = IsBool(h);
  if (is_bool != kBool) {
    if (is_bool || kBool) {
      throw py::type_error(field + " is " + TypeWithArticle(h) + ": it must be " +
                           kStateType<V>);
    }
  }
  if constexpr (kBool) return static_cast<bool>(py::bool_(py::reinterpret_borrow<py::object>(h)));
  try {
    return h.cast<V>();
  } catch (const py::cast_error&) {
    if constexpr (std::is_arithmetic_v<V>) {
      if (PyIndex_Check(h.ptr())) {
        throw py::value_error(field + " is " + std::string(py::str(h)) + ": out of range");
      }
    }
    throw py::type_error(field + " is " + TypeWithArticle(h) + ": it must be " + kStateType<V>);
  }
}

template <typename State, size_t... I>
typename State::Fields StateFields(const py::tuple& t, std::index_sequence<I...>) {
  using Fields = typename State::Fields;
  // Braces evaluate the casts in field order, so the first bad field is named.
  return Fields{StateField<State, std::tuple_element_t<I, Fields>>(t[I + 1], State::kFields[I])...};
}

// The fields of a pickle state (version, fields...), after checking its
// type, version and length.
template <typename State>
typename State::Fields FieldsFromState(const py::object& state) {
  constexpr size_t n = std::tuple_size_v<typename State::Fields>;
  static_assert(n == State::kFields.size(), "one name per field");
  const std::string cls = State::kClass;
  if (!py::isinstance<py::tuple>(state)) {
    throw py::type_error(cls + " state must be a tuple (version, fields...), got a " +
                         std::string(py::str(py::type::handle_of(state).attr("__name__"))));
  }
  const auto t = py::reinterpret_borrow<py::tuple>(state);
  const std::string expected = "version " + std::to_string(State::kVersion);
  // The version: any whole number (numpy's too), no bool.
  if (t.empty() || !PyIndex_Check(t[0].ptr()) || IsBool(t[0])) {
    throw py::value_error(cls + " state must begin with its version (an int): this npscore reads " +
                          expected);
  }
  const auto version = py::reinterpret_steal<py::object>(PyNumber_Index(t[0].ptr()));
  if (!version) throw py::error_already_set();
  if (!py::int_(State::kVersion).equal(version)) {  // compared in Python: any int, no overflow
    throw py::value_error(cls + " state is version " + std::string(py::str(t[0])) +
                          ": this npscore reads " + expected +
                          " only (load it with the npscore version that wrote it)");
  }
  if (t.size() != n + 1) {
    std::string names;
    for (const char* f : State::kFields) names += std::string(names.empty() ? "" : ", ") + f;
    throw py::value_error(cls + " state " + expected + " has " + std::to_string(n + 1) +
                          " items (the version, then " + names + "), got " +
                          std::to_string(t.size()));
  }
  return StateFields<State>(t, std::make_index_sequence<n>());
}

// The pickle state of `v`: (version, fields...).
template <typename State, typename T>
py::tuple StateOf(const T& v) {
  return std::apply([](const auto&... f) { return py::make_tuple(State::kVersion, f...); },
                    State::Of(v));
}

// Equal values, NaN equal to NaN (an empty group's statistics are NaN).
inline bool SameValue(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }
template <typename V>
bool SameValue(const V& a, const V& b) {
  return a == b;
}

// A field as hashed: NaN as None, so that equal objects (NaN == NaN above)
// hash alike.
inline py::object HashedValue(double v) {
  if (std::isnan(v)) return py::none();
  return py::float_(v);
}
template <typename V>
py::object HashedValue(const V& v) {
  return py::cast(v);
}

// Binds __reduce__ as pickle protocol 2 reduces: copyreg.__newobj__(cls), then
// __setstate__(__getstate__()), so that protocols 0 and 1 work too. Their
// default reduction (copyreg._reduce_ex) calls pybind11_object(obj), which
// aborts the interpreter (pybind11 issue 3745).
template <typename T, typename... Options>
void DefReduce(py::class_<T, Options...>& cls) {
  cls.def("__reduce__", [](const py::object& self) {
    return py::make_tuple(py::module_::import("copyreg").attr("__newobj__"),
                          py::make_tuple(py::type::of(self)), self.attr("__getstate__")());
  });
}

// Binds pickling (and with it copy.copy / copy.deepcopy) of `cls` by State.
template <typename State, typename T, typename... Options>
void DefPickle(py::class_<T, Options...>& cls) {
  cls.def(py::pickle([](const T& v) { return StateOf<State>(v); },
                     [](const py::object& state) { return State::Make(FieldsFromState<State>(state)); }));
  DefReduce(cls);
}

// Makes pickle and copy of a class without a pickle state raise TypeError
// saying `why`, whatever the protocol (see DefReduce).
template <typename T, typename... Options>
void DefNoPickle(py::class_<T, Options...>& cls, const char* why) {
  cls.def("__reduce_ex__", [why](const py::object& self, const py::object&) -> py::object {
    throw py::type_error("cannot pickle or copy a " +
                         std::string(py::str(py::type::of(self).attr("__name__"))) + ": " + why);
  }, py::arg("protocol"));
}

// Binds == by value (every field equal, NaN equal to NaN) and a hash that
// agrees with it: the classes are immutable from Python.
template <typename State, typename T, typename... Options>
void DefValueEquality(py::class_<T, Options...>& cls) {
  cls.def("__eq__", [](const T& a, const T& b) {
       return std::apply([&](const auto&... x) {
         return std::apply([&](const auto&... y) { return (SameValue(x, y) && ...); }, State::Of(b));
       }, State::Of(a));
     }, py::is_operator(), py::arg("other"))
     .def("__hash__", [](const T& v) {
       return py::hash(std::apply([](const auto&... f) { return py::make_tuple(HashedValue(f)...); },
                                  State::Of(v)));
     });
}

// Binds both to a value class: pickling and == by value (above).
template <typename State, typename T, typename... Options>
void DefValue(py::class_<T, Options...>& cls) {
  DefPickle<State>(cls);
  DefValueEquality<State>(cls);
}

}  // namespace npscore::python

#endif  // NPSCORE_BINDINGS_PYTHON_COMMON_H_
