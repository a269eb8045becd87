// libFuzzer harness: caller bytes as the buffers of an Arrow string column
// (offsets, validity bitmap, data; int32 or int64 offsets; a non-zero Arrow
// offset; one chunk or the same rows split in two) -> FactorizeUtf8Keys,
// on one thread and on two. Checked against a plain per-row reading of the
// buffers:
//   - offsets that decrease, are negative or run past the data are an
//     InvalidArgument error naming the first such row (as a row across
//     chunks), whatever the threads and chunks;
//   - otherwise every row's code is the rank of its bytes among the distinct
//     keys (a std::map), missing rows last; each group's first row is the
//     first row with its key; one thread, two threads and two chunks agree.
// A failed check aborts.
//
// Input: byte 0 flags: bit 0 int64 offsets, bit 1 a validity bitmap, bit 2
// two chunks, bit 3 raw offsets (else running sums of the offset bytes mod 8,
// which are always valid); byte 1 the rows (mod 48); byte 2 the Arrow offset
// (mod 8); then one byte per offset (offset + rows + 1 of them; raw offsets
// are the signed byte), the bitmap bytes if any, and the data.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "npscore/nps.h"

namespace {

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "strings_fuzz: %s\n", what);
    std::abort();
  }
}

template <typename O>
void Run(const uint8_t* in, size_t size, uint8_t flags, int64_t rows, int64_t offset) {
  const size_t n_offsets = static_cast<size_t>(offset + rows + 1);
  std::vector<O> offsets(n_offsets);
  int64_t sum = 0;
  for (size_t i = 0; i < n_offsets; ++i) {
    const uint8_t b = i < size ? in[i] : 0;
    if (flags & 8) {
      offsets[i] = static_cast<O>(static_cast<int8_t>(b));
    } else {
      offsets[i] = static_cast<O>(sum);
      sum += b % 8;
    }
  }
  size_t at = std::min(size, n_offsets);
  std::vector<uint8_t> validity;
  if (flags & 2) {
    validity.resize(static_cast<size_t>(offset + rows + 7) / 8);
    for (uint8_t& v : validity) v = at < size ? in[at++] : 0xff;
  }
  const std::string data(reinterpret_cast<const char*>(in + at), size - at);

  // The reference: the first bad row, else each row's key.
  int64_t bad = -1;
  std::vector<std::string> keys(static_cast<size_t>(rows));
  std::vector<bool> missing(static_cast<size_t>(rows));
  for (int64_t i = 0; i < rows && bad < 0; ++i) {
    const int64_t s = offsets[static_cast<size_t>(offset + i)];
    const int64_t e = offsets[static_cast<size_t>(offset + i + 1)];
    if (s < 0 || e < s || e > static_cast<int64_t>(data.size())) {
      bad = i;
      break;
    }
    const int64_t bit = offset + i;
    missing[static_cast<size_t>(i)] =
        !validity.empty() && ((validity[static_cast<size_t>(bit / 8)] >> (bit % 8)) & 1) == 0;
    keys[static_cast<size_t>(i)] = data.substr(static_cast<size_t>(s), static_cast<size_t>(e - s));
  }

  npscore::Utf8Chunk<O> whole;
  whole.offsets = absl::MakeConstSpan(offsets);
  whole.validity = absl::MakeConstSpan(validity);
  whole.data = absl::MakeConstSpan(data.data(), data.size());
  whole.offset = offset;
  whole.length = rows;
  std::vector<npscore::Utf8Chunk<O>> chunks = {whole};
  if (flags & 4) {
    chunks.push_back(whole);
    chunks[0].length = rows / 2;
    chunks[1].offset = offset + rows / 2;
    chunks[1].length = rows - rows / 2;
  }
  const auto one = npscore::FactorizeUtf8Keys<O>(absl::MakeConstSpan(chunks), 1);
  const auto two = npscore::FactorizeUtf8Keys<O>(absl::MakeConstSpan(chunks), 2);
  Check(one.ok() == two.ok(), "one and two threads disagree on success");
  if (bad >= 0) {
    Check(!one.ok() && absl::IsInvalidArgument(one.status()), "bad offsets accepted");
    const std::string want = absl::StrCat("row ", bad, chunks.size() == 1 ? ":" : " (");
    Check(one.status().message().find(want) != std::string::npos, "error names another row");
    Check(one.status().message() == two.status().message(), "threads name other errors");
    return;
  }
  Check(one.ok(), "valid buffers refused");
  std::map<std::string, int32_t> rank;
  bool any_missing = false;
  for (int64_t i = 0; i < rows; ++i) {
    if (missing[static_cast<size_t>(i)]) {
      any_missing = true;
    } else {
      rank[keys[static_cast<size_t>(i)]] = 0;
    }
  }
  int32_t r = 0;
  for (auto& kv : rank) kv.second = r++;
  Check(one->has_missing == any_missing, "has_missing");
  Check(one->key_rows.size() == rank.size() + (any_missing ? 1 : 0), "group count");
  Check(one->codes == two->codes && one->key_rows == two->key_rows, "threads differ");
  std::vector<int64_t> first(one->key_rows.size(), -1);
  for (int64_t i = 0; i < rows; ++i) {
    const size_t u = static_cast<size_t>(i);
    const int32_t want = missing[u] ? r : rank[keys[u]];
    Check(one->codes[u] == want, "code differs from the reference");
    if (first[static_cast<size_t>(want)] < 0) first[static_cast<size_t>(want)] = i;
  }
  Check(first == one->key_rows, "a group's first row");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  const uint8_t flags = data[0];
  const int64_t rows = data[1] % 48;
  const int64_t offset = data[2] % 8;
  if (flags & 1) {
    Run<int64_t>(data + 3, size - 3, flags, rows, offset);
  } else {
    Run<int32_t>(data + 3, size - 3, flags, rows, offset);
  }
  return 0;
}
