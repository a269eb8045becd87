// Helpers shared by the C ABI wrappers (capi/*.cc); not installed.
//
// Every exported function body is written as
//
//   NPSCORE_API npscore_status npscore_<module>_<verb>(...) {
//     NPSCORE_C_BEGIN
//     NPSCORE_C_REQUIRE(out);
//     ...
//     return call.Ok();
//     NPSCORE_C_END
//   }
//
// NPSCORE_C_BEGIN declares `call`, the Call of this function, which records
// the outcome in the thread-local last error; NPSCORE_C_END catches every
// exception so that none crosses extern "C".

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

// The outcome of one exported call, named after its function.
class Call {
 public:
  explicit Call(const char* function) noexcept : function_(function) {}

  const char* function() const { return function_; }

  // Success: clears the last error.
  npscore_status Ok() noexcept {
    ClearLastError();
    return NPSCORE_OK;
  }
  // Failure with `code` and the message `message` + `detail`.
  npscore_status Fail(npscore_status code, absl::string_view message,
                      absl::string_view detail = "") noexcept {
    SetLastError(function_, message, detail);
    return code;
  }
  // Failure from a core status (which must not be OK).
  npscore_status Fail(const absl::Status& status) noexcept {
    return Fail(StatusCode(status), status.message());
  }
  // NPSCORE_ENULL naming the NULL argument.
  npscore_status Null(absl::string_view argument,
                      absl::string_view detail = "") noexcept;

 private:
  const char* function_;
};

// Reads an enum of the C header as an int, whatever value the caller stored.
// A C caller may pass any int in an enum; loading an out-of-range value as
// the C++ enum type would be undefined (and trips UBSan), so the object
// representation is copied instead.
template <typename E>
int RawEnum(const E& e) {
  static_assert(std::is_enum_v<E> && sizeof(E) == sizeof(int),
                "C enums are int-sized");
  int raw;
  std::memcpy(&raw, &e, sizeof raw);
  return raw;
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
npscore_status VisitScores(Call& call, const void* scores, const npscore_dtype& dtype,
                           size_t n, F&& f) {
  auto visit = [&](auto tag) -> npscore_status {
    using T = decltype(tag);
    const npscore_status st = CheckColumnPointer(call, scores, n, alignof(T), "scores");
    if (st != NPSCORE_OK) return st;
    return f(absl::Span<const T>(static_cast<const T*>(scores), n));
  };
  const int raw = RawEnum(dtype);
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

// Reads the nps options `opts` (NULL = defaults), whose fields messages name
// with `prefix` ("opts->", "opts->nps."), into the core's options: scores (cutoffs, missing),
// interval (method, confidence) and min_n. Checks the version and the enum
// fields; the numeric fields are validated by the core functions that use
// them. Returns NPSCORE_OK or the error recorded in `call`.
inline npscore_status ReadNpsOptions(Call& call, const npscore_nps_options* opts,
                                     absl::string_view prefix, GroupOptions* out) {
  *out = GroupOptions{};
  if (opts == nullptr) return NPSCORE_OK;
  if (opts->version != NPSCORE_NPS_OPTIONS_VERSION) {
    return call.Fail(NPSCORE_EVERSION, absl::StrCat(prefix, "version is ", opts->version),
                     absl::StrCat(": this library (", NPSCORE_VERSION_STRING,
                                  ") supports version ", NPSCORE_NPS_OPTIONS_VERSION,
                                  "; initialize options with NPSCORE_NPS_OPTIONS_INIT"));
  }
  const int missing = RawEnum(opts->missing);
  if (missing != NPSCORE_MISSING_ERROR && missing != NPSCORE_MISSING_SKIP) {
    return call.Fail(NPSCORE_EINVAL, absl::StrCat(prefix, "missing is ", missing),
                     ": use NPSCORE_MISSING_ERROR (0) or NPSCORE_MISSING_SKIP (1)");
  }
  GroupOptions& g = *out;
  const npscore_status st = ReadIntervalMethod(call, RawEnum(opts->method),
                                               absl::StrCat(prefix, "method"),
                                               &g.interval.method);
  if (st != NPSCORE_OK) return st;
  g.scores.cutoffs = {opts->detractor_max, opts->passive_max, opts->scale_max};
  g.scores.missing = missing == NPSCORE_MISSING_SKIP ? Missing::kSkip : Missing::kError;
  g.interval.confidence = opts->confidence;
  g.min_n = opts->min_n;
  return NPSCORE_OK;
}

inline npscore_interval_method IntervalMethodToC(IntervalMethod m) {
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

inline npscore_counts CountsToC(const Counts& c) {
  return {c.detractors, c.passives, c.promoters, c.skipped};
}

inline Counts CountsToCore(const npscore_counts& c) {
  Counts out;
  out.detractors = c.detractors;
  out.passives = c.passives;
  out.promoters = c.promoters;
  out.skipped = c.skipped;
  return out;
}

inline npscore_summary SummaryToC(const Summary& s) {
  npscore_summary out;
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

inline npscore_comparison ComparisonToC(const Comparison& c) {
  npscore_comparison out;
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

// Opens the body of an exported function: declares `call` and a try block.
#define NPSCORE_C_BEGIN                 \
  ::npscore::capi::Call call(__func__); \
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

// Reads an npscore_frequency passed as an int (shared by health and clv).
npscore_status ReadFrequency(Call& call, int raw, Frequency* out);

}  // namespace capi
}  // namespace npscore

#endif  // NPSCORE_CAPI_INTERNAL_H_
