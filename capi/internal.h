// Helpers shared by the C ABI wrappers (capi/*.cc); not installed.
//
// Every exported function body is written as
//
//   NPSCORE_API npscore_status npscore_<module>_<verb>(..., npscore_error* err) {
//     NPSCORE_C_BEGIN_WITH(err)
//     NPSCORE_C_REQUIRE(out);
//     ...
//     return call.Ok();
//     NPSCORE_C_END
//   }
//
// NPSCORE_C_BEGIN_WITH declares `call`, the Call of this function, which
// records the outcome in the thread-local last error and in the caller's
// npscore_error; NPSCORE_C_END catches every exception so that none crosses
// extern "C". The conventions of the interface: docs/c-conventions.md.

#ifndef NPSCORE_CAPI_INTERNAL_H_
#define NPSCORE_CAPI_INTERNAL_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <new>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/types/span.h"
#include "npscore/c_api.h"
#include "npscore/health.h"
#include "npscore/nps.h"

namespace npscore {
namespace capi {

// Sets this thread's last error message to "<function>: <message><detail>".
// Never throws: if the message cannot be stored, a fixed one takes its place.
void SetLastError(const char* function, absl::string_view message,
                  absl::string_view detail = "") noexcept;

// Clears this thread's last error message (to "").
void ClearLastError() noexcept;

// Maps a failed absl::Status to its npscore_status: argument errors are
// NPSCORE_EINVAL, anything else is NPSCORE_EINTERNAL.
npscore_status StatusCode(const absl::Status& status) noexcept;

// The outcome of one exported call, named after its function: recorded in
// the thread's last error and, when the caller passed one, in its
// npscore_error (so the status and message arrive with the call itself).
class Call {
 public:
  Call(const char* function, npscore_error* err) noexcept : function_(function), err_(err) {}

  const char* function() const { return function_; }

  // Success: clears the last error and the caller's npscore_error.
  npscore_status Ok() noexcept {
    ClearLastError();
    if (err_ != nullptr) {
      err_->status = NPSCORE_OK;
      err_->truncated = 0;
      err_->message[0] = '\0';
    }
    return NPSCORE_OK;
  }
  // Failure with `code` and the message `message` + `detail`.
  npscore_status Fail(npscore_status code, absl::string_view message,
                      absl::string_view detail = "") noexcept {
    SetLastError(function_, message, detail);
    Record(code);
    return code;
  }
  // Failure from a core status (which must not be OK).
  npscore_status Fail(const absl::Status& status) noexcept {
    return Fail(StatusCode(status), status.message());
  }
  // NPSCORE_ENULL naming the NULL argument.
  npscore_status Null(absl::string_view argument,
                      absl::string_view detail = "") noexcept;
  // NPSCORE_ERANGE: the array `argument` holds `capacity` elements but the
  // result needs `needed`.
  npscore_status Range(absl::string_view argument, size_t capacity, size_t needed) noexcept;

 private:
  // Copies the code and this thread's last error message into *err_.
  void Record(npscore_status code) noexcept;

  const char* function_;
  npscore_error* err_;
};

// Checks that the caller's array `argument` of `capacity` elements can hold
// `needed`; NPSCORE_ERANGE otherwise. Use before writing any output.
inline npscore_status CheckCapacity(Call& call, absl::string_view argument, size_t capacity,
                                    size_t needed) noexcept {
  return capacity >= needed ? NPSCORE_OK : call.Range(argument, capacity, needed);
}

// The same for a function that reports its result's size in *out_count: on
// NPSCORE_ERANGE *out_count is set to `needed`, so a caller can ask the size
// with capacity 0 and call again.
inline npscore_status CheckCapacity(Call& call, absl::string_view argument, size_t capacity,
                                    size_t needed, size_t* out_count) noexcept {
  if (capacity >= needed) return NPSCORE_OK;
  *out_count = needed;
  return call.Range(argument, capacity, needed);
}

// Reads the caller's count `n` (the argument `name`) into the core's
// int64_t: a count beyond INT64_MAX (such as a negative number cast to
// size_t) is NPSCORE_EINVAL; the core checks its own bounds.
inline npscore_status CountToCore(Call& call, size_t n, absl::string_view name,
                                  int64_t* out) noexcept {
  if (n > static_cast<size_t>(INT64_MAX)) {
    try {
      return call.Fail(NPSCORE_EINVAL, absl::StrCat(name, " is ", n),
                       ": far beyond any bound (a negative number cast to size_t?)");
    } catch (...) {
      return call.Fail(NPSCORE_EINVAL, name, " is too large");
    }
  }
  *out = static_cast<int64_t>(n);
  return NPSCORE_OK;
}

// Reads a caller's options struct `in` (NULL: the defaults) into *out, which
// starts as `defaults`. `known_size[v - 1]` is the number of bytes that
// version v of the struct knows (offsetof the first field added after v, or
// sizeof(T) for the newest); the caller's fields beyond its version keep
// their defaults. Version 0 or newer than this library's is NPSCORE_EVERSION,
// naming `name` ("opts"). T must begin with `uint32_t version`.
template <typename T, size_t kVersions>
npscore_status ReadOptions(Call& call, const T* in, const T& defaults,
                           const size_t (&known_size)[kVersions], absl::string_view name,
                           T* out) noexcept {
  static_assert(std::is_trivially_copyable_v<T>, "options are plain C structs");
  *out = defaults;
  if (in == nullptr) return NPSCORE_OK;
  const uint32_t version = in->version;
  if (version == 0 || version > kVersions) {
    try {
      return call.Fail(NPSCORE_EVERSION, absl::StrCat(name, "->version is ", version),
                       absl::StrCat(": this library (", NPSCORE_VERSION_STRING,
                                    ") knows versions 1 to ", kVersions,
                                    "; initialize the struct with its _init() function or "
                                    "_INIT macro"));
    } catch (...) {
      return call.Fail(NPSCORE_EVERSION, "options version not supported");
    }
  }
  std::memcpy(static_cast<void*>(out), static_cast<const void*>(in), known_size[version - 1]);
  out->version = static_cast<uint32_t>(kVersions);
  return NPSCORE_OK;
}

// Fills *opts with `defaults` for an _init(opts, version) function: the
// fields of `version` and later ones alike (a caller of an older version
// never reads the rest). Same version rule as ReadOptions.
template <typename T, size_t kVersions>
npscore_status InitOptions(Call& call, T* opts, uint32_t version, const T& defaults,
                           const size_t (&known_size)[kVersions]) noexcept {
  if (opts == nullptr) return call.Null("opts");
  if (version == 0 || version > kVersions) {
    try {
      return call.Fail(NPSCORE_EVERSION, absl::StrCat("version is ", version),
                       absl::StrCat(": this library (", NPSCORE_VERSION_STRING,
                                    ") knows versions 1 to ", kVersions));
    } catch (...) {
      return call.Fail(NPSCORE_EVERSION, "options version not supported");
    }
  }
  std::memcpy(static_cast<void*>(opts), static_cast<const void*>(&defaults),
              known_size[version - 1]);
  opts->version = version;
  return call.Ok();
}

// Reads an enum-valued argument as an int, whatever value the caller stored:
// an int32_t field or parameter as it is, or a C enum object (a C caller may
// store any int in one; loading an out-of-range value as the C++ enum type
// would be undefined and trips UBSan, so its object representation is copied).
template <typename E>
int RawEnum(const E& e) {
  if constexpr (std::is_enum_v<E>) {
    static_assert(sizeof(E) == sizeof(int), "C enums are int-sized");
    int raw;
    std::memcpy(&raw, &e, sizeof raw);
    return raw;
  } else {
    static_assert(std::is_same_v<E, int32_t>, "enum values travel as int32_t");
    return static_cast<int>(e);
  }
}

// Checks the column `p` of n elements of T: NULL only if n == 0, and aligned
// for T. Returns NPSCORE_OK or the error recorded in `call`.
npscore_status CheckColumnPointer(Call& call, const void* p, size_t n,
                                  size_t alignment, const char* name) noexcept;

template <typename T>
npscore_status CheckColumn(Call& call, const T* p, size_t n, const char* name) noexcept {
  return CheckColumnPointer(call, p, n, alignof(T), name);
}

// Calls f(absl::Span<const T>) with the score column `scores` viewed as the
// C type named by `dtype`, after checking the pointer; returns f's status.
template <typename F>
npscore_status VisitScores(Call& call, const void* scores, int32_t dtype, size_t n, F&& f) {
  auto visit = [&](auto tag) -> npscore_status {
    using T = decltype(tag);
    const npscore_status st = CheckColumnPointer(call, scores, n, alignof(T), "scores");
    if (st != NPSCORE_OK) return st;
    return f(absl::Span<const T>(static_cast<const T*>(scores), n));
  };
  const int raw = dtype;
  switch (raw) {
    case NPSCORE_F64: return visit(double{});
    case NPSCORE_F32: return visit(float{});
    case NPSCORE_I8: return visit(int8_t{});
    case NPSCORE_I16: return visit(int16_t{});
    case NPSCORE_I32: return visit(int32_t{});
    case NPSCORE_I64: return visit(int64_t{});
    case NPSCORE_U8: return visit(uint8_t{});
    case NPSCORE_U16: return visit(uint16_t{});
    case NPSCORE_U32: return visit(uint32_t{});
    case NPSCORE_U64: return visit(uint64_t{});
  }
  return call.Fail(NPSCORE_EINVAL, "dtype is " + std::to_string(raw) +
                                       ": not an npscore_dtype (NPSCORE_F64..NPSCORE_U64)");
}

// --- Conversions between the C structs and the core's, for every module ------

// Reads an interval method given as its C enum value `raw` into *out; an
// unknown value is an error naming `field` ("opts->method").
inline npscore_status ReadIntervalMethod(Call& call, int raw, absl::string_view field,
                                         IntervalMethod* out) {
  if (raw != NPSCORE_INTERVAL_WALD && raw != NPSCORE_INTERVAL_ADJUSTED_WALD &&
      raw != NPSCORE_INTERVAL_SCORE) {
    return call.Fail(NPSCORE_EINVAL, absl::StrCat(field, " is ", raw),
                     ": use NPSCORE_INTERVAL_WALD (0), NPSCORE_INTERVAL_ADJUSTED_WALD (1)"
                     " or NPSCORE_INTERVAL_SCORE (2)");
  }
  *out = raw == NPSCORE_INTERVAL_WALD    ? IntervalMethod::kWald
         : raw == NPSCORE_INTERVAL_SCORE ? IntervalMethod::kScore
                                         : IntervalMethod::kAdjustedWald;
  return NPSCORE_OK;
}

constexpr npscore_nps_interval_method IntervalMethodToC(IntervalMethod m) {
  switch (m) {
    case IntervalMethod::kWald:
      return NPSCORE_INTERVAL_WALD;
    case IntervalMethod::kAdjustedWald:
      return NPSCORE_INTERVAL_ADJUSTED_WALD;
    case IntervalMethod::kScore:
      return NPSCORE_INTERVAL_SCORE;
  }
  return NPSCORE_INTERVAL_ADJUSTED_WALD;
}

// The nps options with the core's defaults (GroupOptions): what
// npscore_nps_options_init() writes and what NPSCORE_NPS_OPTIONS_INIT must
// equal (static_assert in capi/nps.cc).
constexpr npscore_nps_options NpsOptionsDefaults() {
  constexpr GroupOptions g{};
  npscore_nps_options o{};
  o.version = NPSCORE_NPS_OPTIONS_VERSION;
  o.detractor_max = g.scores.cutoffs.detractor_max;
  o.passive_max = g.scores.cutoffs.passive_max;
  o.scale_max = g.scores.cutoffs.scale_max;
  o.missing = g.scores.missing == Missing::kSkip ? NPSCORE_MISSING_SKIP : NPSCORE_MISSING_ERROR;
  o.method = IntervalMethodToC(g.interval.method);
  o.confidence = g.interval.confidence;
  o.min_n = g.min_n;
  return o;
}

// Bytes of npscore_nps_options that each version knows (ReadOptions).
inline constexpr size_t kNpsOptionsSizes[] = {sizeof(npscore_nps_options)};

// Reads the nps options `opts` (NULL = defaults), the argument called `name`
// ("opts", "nps_opts"; a trailing "->" is ignored), into the core's options:
// scores (cutoffs, missing), interval (method, confidence) and min_n. Checks
// the version and the enum fields; the numeric fields are validated by the
// core functions that use them. Returns NPSCORE_OK or the error recorded in
// `call`.
inline npscore_status ReadNpsOptions(Call& call, const npscore_nps_options* opts,
                                     absl::string_view name, GroupOptions* out) {
  *out = GroupOptions{};
  absl::ConsumeSuffix(&name, "->");
  const std::string field = absl::StrCat(name, "->");
  npscore_nps_options o;
  const npscore_status read =
      ReadOptions(call, opts, NpsOptionsDefaults(), kNpsOptionsSizes, name, &o);
  if (read != NPSCORE_OK) return read;
  if (opts == nullptr) return NPSCORE_OK;
  const int missing = RawEnum(o.missing);
  if (missing != NPSCORE_MISSING_ERROR && missing != NPSCORE_MISSING_SKIP) {
    return call.Fail(NPSCORE_EINVAL, absl::StrCat(field, "missing is ", missing),
                     ": use NPSCORE_MISSING_ERROR (0) or NPSCORE_MISSING_SKIP (1)");
  }
  GroupOptions& g = *out;
  const npscore_status st = ReadIntervalMethod(call, RawEnum(o.method),
                                               absl::StrCat(field, "method"),
                                               &g.interval.method);
  if (st != NPSCORE_OK) return st;
  g.scores.cutoffs = {o.detractor_max, o.passive_max, o.scale_max};
  g.scores.missing = missing == NPSCORE_MISSING_SKIP ? Missing::kSkip : Missing::kError;
  g.interval.confidence = o.confidence;
  g.min_n = o.min_n;
  return NPSCORE_OK;
}

inline npscore_nps_counts CountsToC(const Counts& c) {
  return {c.detractors, c.passives, c.promoters, c.skipped};
}

inline Counts CountsToCore(const npscore_nps_counts& c) {
  Counts out;
  out.detractors = c.detractors;
  out.passives = c.passives;
  out.promoters = c.promoters;
  out.skipped = c.skipped;
  return out;
}

inline npscore_nps_summary SummaryToC(const Summary& s) {
  npscore_nps_summary out;
  out.n = s.n;
  out.detractors = s.detractors;
  out.passives = s.passives;
  out.promoters = s.promoters;
  out.n_effective = s.n_effective;
  out.skipped = s.skipped;
  out.nps = s.nps;
  out.se = s.se;
  out.ci_low = s.ci_low;
  out.ci_high = s.ci_high;
  out.method = IntervalMethodToC(s.method);
  out.confidence = s.confidence;
  return out;
}

inline npscore_nps_comparison ComparisonToC(const Comparison& c) {
  npscore_nps_comparison out;
  out.diff = c.diff;
  out.se = c.se;
  out.z = c.z;
  out.p_value = c.p_value;
  out.ci_low = c.ci_low;
  out.ci_high = c.ci_high;
  out.method = IntervalMethodToC(c.method);
  out.confidence = c.confidence;
  return out;
}

}  // namespace capi
}  // namespace npscore

// Opens the body of an exported function whose per-call error parameter is
// `err` (may be NULL): declares `call` and a try block.
#define NPSCORE_C_BEGIN_WITH(err)            \
  ::npscore::capi::Call call(__func__, (err)); \
  try {

// Closes the body: every exception becomes a status and the last error
// (the core reports bad input by status; an exception here is out of memory
// or a bug).
#define NPSCORE_C_END                                                         \
  }                                                                           \
  catch (const std::bad_alloc&) {                                             \
    return call.Fail(NPSCORE_ENOMEM, "out of memory");                        \
  }                                                                           \
  catch (const std::length_error& e) { /* a size past what can be allocated */ \
    return call.Fail(NPSCORE_ENOMEM, "out of memory: ", e.what());            \
  }                                                                           \
  catch (const std::exception& e) {                                           \
    return call.Fail(NPSCORE_EINTERNAL, "internal error: ", e.what());        \
  }                                                                           \
  catch (...) {                                                               \
    return call.Fail(NPSCORE_EINTERNAL, "internal error: unknown exception"); \
  }

// Returns NPSCORE_ENULL from the enclosing exported function if `ptr` is NULL.
#define NPSCORE_C_REQUIRE(ptr)                      \
  do {                                              \
    if ((ptr) == nullptr) return call.Null(#ptr);   \
  } while (0)

// Returns from the enclosing exported function if `expr` (an npscore_status)
// is not NPSCORE_OK; the error is already recorded.
#define NPSCORE_C_RETURN_IF_ERROR(expr)                              \
  do {                                                               \
    const npscore_status npscore_c_status_ = (expr);                 \
    if (npscore_c_status_ != NPSCORE_OK) return npscore_c_status_;   \
  } while (0)

namespace npscore {
namespace capi {

// Reads an npscore_health_frequency value (shared by health and clv).
npscore_status ReadFrequency(Call& call, int raw, Frequency* out);

}  // namespace capi
}  // namespace npscore

// --- churn/clv/priority/themes helpers ---------------------------------------

namespace npscore {
namespace capi {

// Checks the caller's output array `p` of `capacity` elements that must hold
// `needed`: NPSCORE_ERANGE if too small, then as CheckColumn (NULL only when
// nothing is written, aligned for T). Use before writing any output.
template <typename T>
npscore_status CheckOutput(Call& call, T* p, size_t capacity, size_t needed,
                           const char* name) noexcept {
  NPSCORE_C_RETURN_IF_ERROR(CheckCapacity(call, name, capacity, needed));
  return CheckColumn(call, static_cast<const T*>(p), needed, name);
}

// An optional column of n elements (NULL: none, *out left empty) as a span.
template <typename T>
npscore_status OptionalColumn(Call& call, const T* p, size_t n, const char* name,
                              absl::Span<const T>* out) {
  if (p == nullptr) return NPSCORE_OK;
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, p, n, name));
  *out = absl::Span<const T>(p, n);
  return NPSCORE_OK;
}

}  // namespace capi
}  // namespace npscore

#endif  // NPSCORE_CAPI_INTERNAL_H_
