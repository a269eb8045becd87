// Little-endian bytes for the versioned, checksummed binary formats of the
// core (churn models, monitor states): fixed-width fields, doubles as their
// IEEE-754 bits, and the FNV-1a 64 checksum over a payload.

#ifndef NPSCORE_SRC_INTERNAL_BYTE_IO_H_
#define NPSCORE_SRC_INTERNAL_BYTE_IO_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/strings/string_view.h"

namespace npscore {
namespace internal {

// FNV-1a 64 of `bytes`: any one changed byte changes it (each step is a
// bijection of the running hash).
inline uint64_t Fnv1a64(absl::string_view bytes) {
  uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

// Appends little-endian fields to a string.
class ByteWriter {
 public:
  void U8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void U32(uint32_t v) {
    for (int k = 0; k < 4; ++k) U8(static_cast<uint8_t>(v >> (8 * k)));
  }
  void U64(uint64_t v) {
    for (int k = 0; k < 8; ++k) U8(static_cast<uint8_t>(v >> (8 * k)));
  }
  void I32(int32_t v) { U32(static_cast<uint32_t>(v)); }
  void I64(int64_t v) { U64(static_cast<uint64_t>(v)); }
  void F64(double v) {
    uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    U64(bits);
  }
  std::string& bytes() { return out_; }

 protected:
  std::string out_;
};

// Reads little-endian fields; past the end every read gives 0 and ok()
// turns false (check it once after a group of reads).
class ByteReader {
 public:
  explicit ByteReader(absl::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  void Fail() { ok_ = false; }
  size_t left() const { return in_.size() - pos_; }

  uint8_t U8() { return Need(1) ? static_cast<uint8_t>(in_[pos_++]) : 0; }
  uint32_t U32() {
    uint32_t v = 0;
    for (int k = 0; k < 4; ++k) v |= static_cast<uint32_t>(U8()) << (8 * k);
    return v;
  }
  uint64_t U64() {
    uint64_t v = 0;
    for (int k = 0; k < 8; ++k) v |= static_cast<uint64_t>(U8()) << (8 * k);
    return v;
  }
  int32_t I32() { return static_cast<int32_t>(U32()); }
  int64_t I64() { return static_cast<int64_t>(U64()); }
  double F64() {
    const uint64_t bits = U64();
    double v;
    std::memcpy(&v, &bits, sizeof v);
    return v;
  }

 protected:
  // True if `k` more bytes can be read (else ok() turns false).
  bool Need(uint64_t k) {
    if (!ok_ || k > left()) ok_ = false;
    return ok_;
  }
  absl::string_view in_;
  size_t pos_ = 0;

 private:
  bool ok_ = true;
};

}  // namespace internal
}  // namespace npscore

#endif  // NPSCORE_SRC_INTERNAL_BYTE_IO_H_
