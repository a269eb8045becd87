// libFuzzer harness for the Arrow import of the C ABI: npscore_arrow_column
// (capi/arrow.cc) on caller-made ArrowArray/ArrowSchema structs: any format
// string, length, offset, null count, buffer count, validity bitmap and
// alignment. The validity bitmap is allocated at exactly the size its
// length and offset need, so ASan catches any read past it.
//
// Checked against a reference: a known numeric format without nulls in
// [offset, offset + length) is accepted with the right dtype, count and
// pointer; a null makes the call fail naming the first null row; every other
// input fails with NPSCORE_EINVAL or NPSCORE_ENULL and a message.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "npscore/c_api.h"

namespace {

struct Reader {
  const uint8_t* data;
  size_t size;
  template <typename T>
  T Take() {
    T v{};
    const size_t n = size < sizeof v ? size : sizeof v;
    std::memcpy(&v, data, n);
    data += n;
    size -= n;
    return v;
  }
};

struct Format {
  const char* text;
  int32_t dtype;  // -1: not a numeric column
  size_t size;
};

constexpr Format kFormats[] = {
    {"c", NPSCORE_I8, 1},  {"C", NPSCORE_U8, 1},  {"s", NPSCORE_I16, 2}, {"S", NPSCORE_U16, 2},
    {"i", NPSCORE_I32, 4}, {"I", NPSCORE_U32, 4}, {"l", NPSCORE_I64, 8}, {"L", NPSCORE_U64, 8},
    {"f", NPSCORE_F32, 4}, {"g", NPSCORE_F64, 8}, {"b", -1, 0},          {"u", -1, 0},
    {"+s", -1, 0},         {"e", -1, 0},          {"tsn:UTC", -1, 0},    {"", -1, 0}};

void NoRelease(ArrowArray* a) { a->release = nullptr; }
void NoReleaseSchema(ArrowSchema* s) { s->release = nullptr; }

[[noreturn]] void Fail(const char* what, const char* message) {
  std::fprintf(stderr, "arrow_fuzz: %s (message: %s)\n", what, message);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader in{data, size};
  const uint8_t pick = in.Take<uint8_t>();
  const uint8_t flags = in.Take<uint8_t>();
  // Small lengths and offsets most of the time, any int64 sometimes.
  int64_t length = (flags & 1) ? in.Take<int64_t>() : in.Take<uint16_t>();
  int64_t offset = (flags & 2) ? in.Take<int64_t>() : in.Take<uint8_t>();
  const int64_t null_count = (flags & 4) ? in.Take<int8_t>() : 0;
  const int64_t n_buffers = (flags & 8) ? in.Take<int8_t>() : 2;
  const bool with_validity = (flags & 16) != 0;
  const bool misaligned = (flags & 32) != 0;
  const bool released = (flags & 64) != 0 && (pick & 0x80) != 0;

  std::string own_format;
  const Format* format = nullptr;
  if ((flags & 128) != 0) {  // caller bytes as the format, NUL-terminated
    const size_t n = in.size < 8 ? in.size : 8;
    own_format.assign(reinterpret_cast<const char*>(in.data), n);
    own_format = own_format.c_str();  // up to the first NUL
    in.data += n;
    in.size -= n;
  } else {
    format = &kFormats[pick % (sizeof kFormats / sizeof kFormats[0])];
  }
  const char* format_text = format != nullptr ? format->text : own_format.c_str();
  const Format* known = nullptr;
  for (const Format& f : kFormats) {
    if (std::strcmp(f.text, format_text) == 0 && f.dtype >= 0) known = &f;
  }

  // The validity bitmap covers exactly [0, offset + length) when that is
  // small; its bits come from the input (the rest set).
  const bool small = length >= 0 && offset >= 0 && length <= (1 << 16) && offset <= (1 << 16);
  std::vector<uint8_t> validity;
  if (with_validity && small) {
    validity.assign(static_cast<size_t>((offset + length + 7) / 8), 0xFF);
    for (size_t i = 0; i < validity.size() && in.size > 0; ++i) validity[i] = in.Take<uint8_t>();
  }
  // Values: 8-byte aligned storage (+1 byte when misaligned on purpose).
  std::vector<uint64_t> storage(small ? static_cast<size_t>(offset + length) + 2 : 2);
  const char* values = reinterpret_cast<const char*>(storage.data()) + (misaligned ? 1 : 0);

  const void* buffers[2] = {validity.empty() ? nullptr : validity.data(), values};
  ArrowSchema schema{};
  schema.format = format_text;
  schema.name = "x";
  schema.release = NoReleaseSchema;
  ArrowArray array{};
  array.length = length;
  array.offset = offset;
  array.null_count = null_count;
  array.n_buffers = n_buffers;
  array.buffers = buffers;
  array.release = released ? nullptr : NoRelease;

  const void* out = nullptr;
  int32_t dtype = -1;
  size_t n = 0;
  npscore_error err;
  const npscore_status st = npscore_arrow_column(&out, &dtype, &n, &array, &schema, &err);
  if (err.status != st) Fail("err.status differs from the status", err.message);
  if (st != NPSCORE_OK) {
    if (err.message[0] == '\0') Fail("an error without a message", err.message);
    if (st != NPSCORE_EINVAL && st != NPSCORE_ENULL) Fail("unexpected status", err.message);
  }

  // The reference verdict, where it is unambiguous.
  const bool shape_ok = known != nullptr && !released && n_buffers == 2 && length >= 0 &&
                        offset >= 0 && length <= INT64_MAX - offset;
  if (!shape_ok) {
    if (st == NPSCORE_OK) Fail("accepted an invalid array", "");
    return 0;
  }
  if (!small) return 0;  // huge shapes: only "no crash" (no bitmap was given)
  int64_t first_null = -1;
  if (!validity.empty() && null_count != 0) {
    for (int64_t i = 0; i < length; ++i) {
      const int64_t bit = offset + i;
      if (((validity[static_cast<size_t>(bit / 8)] >> (bit % 8)) & 1) == 0) {
        first_null = i;
        break;
      }
    }
  }
  const bool needs_bitmap = validity.empty() && null_count > 0;
  const bool aligned = !misaligned || known->size == 1;
  if (first_null >= 0) {
    const std::string want = "array row " + std::to_string(first_null) + " is null";
    if (st != NPSCORE_EINVAL || std::strstr(err.message, want.c_str()) == nullptr) {
      Fail("a null not reported at its first row", err.message);
    }
  } else if (needs_bitmap || !aligned) {
    if (st != NPSCORE_EINVAL) Fail("accepted nulls without a bitmap or a misaligned column", "");
  } else {
    if (st != NPSCORE_OK) Fail("refused a valid column", err.message);
    if (dtype != known->dtype || n != static_cast<size_t>(length) ||
        out != values + static_cast<size_t>(offset) * known->size) {
      Fail("wrong view of a valid column", "");
    }
  }
  return 0;
}
