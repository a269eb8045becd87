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
#include <string>
#include <type_traits>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "npscore/c_api.h"

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

}  // namespace capi
}  // namespace npscore

// Opens the body of an exported function: declares `call` and a try block.
#define NPSCORE_C_BEGIN                 \
  ::npscore::capi::Call call(__func__); \
  try {

// Closes the body: every exception becomes a status and the last error.
#define NPSCORE_C_END                                                         \
  }                                                                           \
  catch (const std::bad_alloc&) {                                             \
    return call.Fail(NPSCORE_ENOMEM, "out of memory");                        \
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

#endif  // NPSCORE_CAPI_INTERNAL_H_
