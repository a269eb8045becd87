// Helpers shared by the pybind11 modules: status translation and dispatch of
// numpy score arrays to the typed core kernels.

#ifndef NPSCORE_BINDINGS_PYTHON_COMMON_H_
#define NPSCORE_BINDINGS_PYTHON_COMMON_H_

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <string>
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

}  // namespace npscore::python

#endif  // NPSCORE_BINDINGS_PYTHON_COMMON_H_
