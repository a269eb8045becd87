// The C ABI's status, last error message and version (npscore/c_api.h).

#include <cstdint>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "capi/internal.h"
#include "npscore/c_api.h"
#include "npscore/limits.h"

// The C header repeats the core's bounds: they must agree.
static_assert(NPSCORE_MAX_THREADS == npscore::kMaxThreads, "NPSCORE_MAX_THREADS");
static_assert(NPSCORE_MAX_ITERATIONS == npscore::kMaxIterations, "NPSCORE_MAX_ITERATIONS");

namespace npscore {
namespace capi {
namespace {

// This thread's last error message. `fallback` replaces it when storing the
// message itself ran out of memory, so the caller still learns why.
struct LastError {
  std::string message;
  const char* fallback = nullptr;
};

LastError& ThreadLastError() noexcept {
  thread_local LastError error;
  return error;
}

}  // namespace

void SetLastError(const char* function, absl::string_view message,
                  absl::string_view detail) noexcept {
  LastError& e = ThreadLastError();
  try {
    e.message.clear();
    absl::StrAppend(&e.message, function, ": ", message, detail);
    e.fallback = nullptr;
  } catch (...) {
    e.fallback = "npscore: out of memory while recording an error message";
  }
}

void ClearLastError() noexcept {
  LastError& e = ThreadLastError();
  e.message.clear();
  e.fallback = nullptr;
}

npscore_status StatusCode(const absl::Status& status) noexcept {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return NPSCORE_OK;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kFailedPrecondition:
      return NPSCORE_EINVAL;
    default:
      return NPSCORE_EINTERNAL;
  }
}

npscore_status Call::Null(absl::string_view argument, absl::string_view detail) noexcept {
  SetLastError(function_, argument, detail.empty() ? absl::string_view(" is NULL") : detail);
  Record(NPSCORE_ENULL);
  return NPSCORE_ENULL;
}

npscore_status Call::Range(absl::string_view argument, size_t capacity, size_t needed) noexcept {
  try {
    return Fail(NPSCORE_ERANGE, argument,
                absl::StrCat(" has capacity ", capacity, " but the result needs ", needed,
                             needed == 1 ? " element" : " elements"));
  } catch (...) {
    return Fail(NPSCORE_ERANGE, argument, " is too small");
  }
}

void Call::Record(npscore_status code) noexcept {
  if (err_ == nullptr) return;
  const char* message = npscore_last_error_message();
  const size_t len = std::strlen(message);
  const size_t room = sizeof err_->message - 1;
  const size_t n = len < room ? len : room;
  std::memcpy(err_->message, message, n);
  err_->message[n] = '\0';
  err_->truncated = len > room ? 1 : 0;
  err_->status = code;
}

npscore_status CheckColumnPointer(Call& call, const void* p, size_t n, size_t alignment,
                                  const char* name) noexcept {
  if (p == nullptr) {
    if (n == 0) return NPSCORE_OK;
    try {
      return call.Null(name, absl::StrCat(" is NULL but n is ", n));
    } catch (...) {
      return call.Null(name);
    }
  }
  if (reinterpret_cast<uintptr_t>(p) % alignment != 0) {
    try {
      return call.Fail(NPSCORE_EINVAL, name,
                       absl::StrCat(" is not aligned to ", alignment,
                                    " bytes, as its element type needs"));
    } catch (...) {
      return call.Fail(NPSCORE_EINVAL, name, " is misaligned");
    }
  }
  return NPSCORE_OK;
}

// Reads an npscore_health_frequency value.
npscore_status ReadFrequency(Call& call, int raw, Frequency* out) {
  switch (raw) {
    case NPSCORE_FREQ_DAY:
      *out = Frequency::kDay;
      return NPSCORE_OK;
    case NPSCORE_FREQ_WEEK:
      *out = Frequency::kWeek;
      return NPSCORE_OK;
    case NPSCORE_FREQ_MONTH:
      *out = Frequency::kMonth;
      return NPSCORE_OK;
    case NPSCORE_FREQ_QUARTER:
      *out = Frequency::kQuarter;
      return NPSCORE_OK;
  }
  return call.Fail(NPSCORE_EINVAL, absl::StrCat("frequency is ", raw),
                   ": use NPSCORE_FREQ_DAY (0), NPSCORE_FREQ_WEEK (1), NPSCORE_FREQ_MONTH (2)"
                   " or NPSCORE_FREQ_QUARTER (3)");
}

}  // namespace capi
}  // namespace npscore

extern "C" {

NPSCORE_API const char* npscore_last_error_message(void) {
  const npscore::capi::LastError& e = npscore::capi::ThreadLastError();
  return e.fallback != nullptr ? e.fallback : e.message.c_str();
}

NPSCORE_API const char* npscore_status_string(int32_t status) {
  switch (status) {
    case NPSCORE_OK: return "NPSCORE_OK: success";
    case NPSCORE_EINVAL: return "NPSCORE_EINVAL: invalid argument or data";
    case NPSCORE_ENOMEM: return "NPSCORE_ENOMEM: out of memory";
    case NPSCORE_EINTERNAL: return "NPSCORE_EINTERNAL: internal error (a bug in npscore)";
    case NPSCORE_ENULL: return "NPSCORE_ENULL: a required pointer was NULL";
    case NPSCORE_EVERSION: return "NPSCORE_EVERSION: options version not supported";
    case NPSCORE_ERANGE: return "NPSCORE_ERANGE: output capacity too small";
    case NPSCORE_EIO: return "NPSCORE_EIO: a file could not be read or written";
  }
  return "unknown npscore_status";
}

NPSCORE_API int npscore_version_number(void) { return NPSCORE_VERSION_NUMBER; }

NPSCORE_API const char* npscore_version_string(void) { return NPSCORE_VERSION_STRING; }

}  // extern "C"
