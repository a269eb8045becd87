// What the harnesses read from error messages: the number after a label,
// e.g. the row of "score at row 12 is 11: ...".

#ifndef NPSCORE_TESTS_FUZZ_FUZZ_MESSAGES_H_
#define NPSCORE_TESTS_FUZZ_FUZZ_MESSAGES_H_

#include <cstddef>
#include <cstdint>

#include "absl/strings/numbers.h"
#include "absl/strings/string_view.h"

namespace npscore_fuzz {

// The decimal number right after the first `label` in `message`, or -1.
inline int64_t NumberAfter(absl::string_view message, absl::string_view label) {
  const size_t at = message.find(label);
  if (at == absl::string_view::npos) return -1;
  const absl::string_view rest = message.substr(at + label.size());
  size_t k = 0;
  while (k < rest.size() && rest[k] >= '0' && rest[k] <= '9') ++k;
  int64_t v = -1;
  if (k == 0 || !absl::SimpleAtoi(rest.substr(0, k), &v)) return -1;
  return v;
}

}  // namespace npscore_fuzz

#endif  // NPSCORE_TESTS_FUZZ_FUZZ_MESSAGES_H_
