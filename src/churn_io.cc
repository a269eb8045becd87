// Persistence of churn models (npscore/churn.h): a versioned little-endian
// binary format with an FNV-1a 64 checksum over the payload.
//
//   "NPSCHURN"  u32 format version  u64 payload bytes  payload  u64 FNV-1a(payload)
//
// The payload holds the options, the fit info, the feature names, the
// coefficients, the references and the standardisation, each field in a fixed
// order; version 2 appends the design (below). Doubles are stored as their
// IEEE-754 bits, so a loaded model predicts exactly what the saved one did.
// A model without a design is written as version 1, byte for byte as before
// designs existed, so older readers keep reading it.
//
// The design (SerializeChurnDesign, also on its own):
//   u8 signup  u8 followed_up  u8 fill  i32 detractor_max  i32 passive_max  i32 scale_max
//   u32 themes, each a string
//   u32 user columns, each: string name, u8 categorical, u8 missing_column,
//                           u32 levels, each a string
//   u32 columns, each: string name, u8 source, i32 index, i32 level, u8 fill
// Strings are a u32 byte count and the bytes. A parsed design is validated
// (ValidateChurnDesign): each column's name is the one its source gives.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <system_error>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "npscore/churn.h"
#include "src/internal/byte_io.h"
#include "src/internal/status_macros.h"

namespace npscore {
namespace {

constexpr char kMagic[8] = {'N', 'P', 'S', 'C', 'H', 'U', 'R', 'N'};
constexpr size_t kHeader = 8 + 4 + 8;
constexpr uint64_t kMaxFeatures = kMaxChurnFeatures;

using internal::Fnv1a64;

class Writer : public internal::ByteWriter {
 public:
  void Str(const std::string& s) {
    U32(static_cast<uint32_t>(s.size()));
    out_.append(s);
  }
  void Doubles(const std::vector<double>& v) {
    U64(v.size());
    for (double x : v) F64(x);
  }
};

class Reader : public internal::ByteReader {
 public:
  using ByteReader::ByteReader;
  std::string Str() {
    const uint32_t len = U32();
    if (!Need(len)) return {};
    std::string s(in_.substr(pos_, len));
    pos_ += len;
    return s;
  }
  std::vector<double> Doubles() {
    const uint64_t n = U64();
    if (n > kMaxFeatures) Fail();
    if (!Need(n * 8)) return {};
    std::vector<double> v(n);
    for (auto& x : v) x = F64();
    return v;
  }
};

// The largest count of themes, user columns, levels or columns read from a
// design: each makes at most one column, and a design has at most
// kMaxChurnFeatures of them (+1: a categorical's reference level has none).
constexpr uint32_t kMaxDesignCount = kMaxChurnFeatures + 1;

void WriteDesign(const ChurnDesign& d, Writer& w) {
  const ChurnDesignSpec& s = d.spec;
  w.U8(s.signup);
  w.U8(s.followed_up);
  w.U8(s.fill);
  w.I32(s.cutoffs.detractor_max);
  w.I32(s.cutoffs.passive_max);
  w.I32(s.cutoffs.scale_max);
  w.U32(static_cast<uint32_t>(s.themes.size()));
  for (const auto& t : s.themes) w.Str(t);
  w.U32(static_cast<uint32_t>(s.user.size()));
  for (const ChurnUserColumn& u : s.user) {
    w.Str(u.name);
    w.U8(u.categorical);
    w.U8(u.missing_column);
    w.U32(static_cast<uint32_t>(u.levels.size()));
    for (const auto& l : u.levels) w.Str(l);
  }
  w.U32(static_cast<uint32_t>(d.columns.size()));
  for (const ChurnDesignColumn& c : d.columns) {
    w.Str(c.name);
    w.U8(static_cast<uint8_t>(c.source));
    w.I32(c.index);
    w.I32(c.level);
    w.U8(static_cast<uint8_t>(c.fill));
  }
}

// Reads a design; the caller checks r.ok() and validates it.
ChurnDesign ReadDesign(Reader& r) {
  ChurnDesign d;
  ChurnDesignSpec& s = d.spec;
  const auto count = [&r]() {
    const uint32_t n = r.U32();
    return n <= kMaxDesignCount ? n : (r.Fail(), 0u);
  };
  s.signup = r.U8() != 0;
  s.followed_up = r.U8() != 0;
  s.fill = r.U8() != 0;
  s.cutoffs.detractor_max = r.I32();
  s.cutoffs.passive_max = r.I32();
  s.cutoffs.scale_max = r.I32();
  for (uint32_t k = 0, n = count(); k < n && r.ok(); ++k) s.themes.push_back(r.Str());
  for (uint32_t k = 0, n = count(); k < n && r.ok(); ++k) {
    ChurnUserColumn u;
    u.name = r.Str();
    u.categorical = r.U8() != 0;
    u.missing_column = r.U8() != 0;
    for (uint32_t l = 0, m = count(); l < m && r.ok(); ++l) u.levels.push_back(r.Str());
    s.user.push_back(std::move(u));
  }
  for (uint32_t k = 0, n = count(); k < n && r.ok(); ++k) {
    ChurnDesignColumn c;
    c.name = r.Str();
    c.source = static_cast<ChurnColumnSource>(r.U8());
    c.index = r.I32();
    c.level = r.I32();
    c.fill = static_cast<ChurnFill>(r.U8());
    d.columns.push_back(std::move(c));
  }
  return d;
}

absl::Status Corrupt(absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("not a valid npscore churn model: ", why));
}

}  // namespace

std::string SerializeChurnModel(const ChurnModel& m) {
  Writer w;
  w.U8(m.is_prior);
  w.F64(m.horizon_days);
  const ChurnFitOptions& o = m.options;
  w.F64(o.C);
  w.U8(o.fit_intercept);
  w.U8(o.standardize);
  w.Doubles(o.class_weight);
  w.U8(o.balanced_class_weight);
  w.F64(o.tol);
  w.I32(o.max_iter);
  w.I32(o.threads);
  w.I32(m.info.n_iter);
  w.U8(m.info.converged);
  w.F64(m.info.grad_norm);
  w.F64(m.info.objective);
  w.U32(static_cast<uint32_t>(m.info.warnings.size()));
  for (const auto& s : m.info.warnings) w.Str(s);
  w.U64(m.feature_names.size());
  for (const auto& s : m.feature_names) w.Str(s);
  w.Doubles(m.coef);
  w.F64(m.intercept);
  w.Doubles(m.reference);
  w.Doubles(m.mean);
  w.Doubles(m.scale);
  if (m.design.has_value()) WriteDesign(*m.design, w);
  const std::string payload = std::move(w.bytes());

  Writer out;
  out.bytes().append(kMagic, sizeof kMagic);
  out.U32(m.design.has_value() ? kChurnModelFormatVersion : 1);
  out.U64(payload.size());
  out.bytes().append(payload);
  out.U64(Fnv1a64(payload));
  return std::move(out.bytes());
}

absl::StatusOr<ChurnModel> ParseChurnModel(absl::string_view bytes) {
  if (bytes.size() < sizeof kMagic || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
    return Corrupt("the file does not start with the \"NPSCHURN\" magic (not a churn model)");
  }
  if (bytes.size() < kHeader) return Corrupt("the file is truncated (no complete header)");
  Reader head(bytes.substr(sizeof kMagic));
  const uint32_t version = head.U32();
  const uint64_t length = head.U64();
  if (version < 1 || version > kChurnModelFormatVersion) {
    return absl::InvalidArgumentError(absl::StrCat(
        "churn model format version ", version, " is not supported: this library reads versions ",
        "1 to ", kChurnModelFormatVersion, version > kChurnModelFormatVersion
                                      ? " (the file was written by a newer npscore)"
                                      : ""));
  }
  const uint64_t available = bytes.size() - kHeader;
  if (length > available || available - length < 8) {
    return Corrupt(absl::StrCat("the file is truncated (", bytes.size(), " bytes, the header "
                                "announces ", length, " bytes of payload + 8 of checksum)"));
  }
  if (available - length > 8) {
    return Corrupt(absl::StrCat(available - length - 8, " unexpected bytes after the checksum"));
  }
  const absl::string_view payload = bytes.substr(kHeader, length);
  Reader tail(bytes.substr(kHeader + length));
  if (tail.U64() != Fnv1a64(payload)) {
    return Corrupt("the checksum does not match (the file is corrupted)");
  }
  Reader r(payload);
  ChurnModel m;
  m.is_prior = r.U8() != 0;
  m.horizon_days = r.F64();
  ChurnFitOptions& o = m.options;
  o.C = r.F64();
  o.fit_intercept = r.U8() != 0;
  o.standardize = r.U8() != 0;
  o.class_weight = r.Doubles();
  o.balanced_class_weight = r.U8() != 0;
  o.tol = r.F64();
  o.max_iter = r.I32();
  o.threads = r.I32();
  m.info.n_iter = r.I32();
  m.info.converged = r.U8() != 0;
  m.info.grad_norm = r.F64();
  m.info.objective = r.F64();
  const uint32_t n_warn = r.U32();
  for (uint32_t k = 0; k < n_warn && r.ok(); ++k) m.info.warnings.push_back(r.Str());
  const uint64_t p = r.U64();
  if (p > kMaxFeatures) {
    return Corrupt(absl::StrCat("the file announces ", p,
                                " features, more than a churn model has (", kMaxFeatures,
                                ", kMaxChurnFeatures)"));
  }
  for (uint64_t k = 0; k < p && r.ok(); ++k) m.feature_names.push_back(r.Str());
  m.coef = r.Doubles();
  m.intercept = r.F64();
  m.reference = r.Doubles();
  m.mean = r.Doubles();
  m.scale = r.Doubles();
  if (version >= 2) m.design = ReadDesign(r);
  if (!r.ok()) return Corrupt("the payload ends early");
  if (r.left() != 0) return Corrupt("the payload has trailing bytes");
  if (m.coef.size() != p || m.reference.size() != p ||
      (!m.mean.empty() && m.mean.size() != p) || m.mean.size() != m.scale.size()) {
    return Corrupt("the coefficient, reference and scaling arrays do not match the feature count");
  }
  for (size_t j = 0; j < p; ++j) {
    if (!std::isfinite(m.coef[j]) || !std::isfinite(m.reference[j])) {
      return Corrupt(absl::StrCat("coefficient or reference of feature ", j, " is not finite"));
    }
  }
  if (!std::isfinite(m.intercept)) return Corrupt("the intercept is not finite");
  if (m.design.has_value()) {
    ChurnDesign design = std::move(*m.design);
    m.design.reset();
    const absl::Status st = AttachChurnDesign(std::move(design), &m);
    if (!st.ok()) return Corrupt(absl::StrCat("the design: ", st.message()));
  }
  return m;
}

std::string SerializeChurnDesign(const ChurnDesign& design) {
  Writer w;
  WriteDesign(design, w);
  return std::move(w.bytes());
}

absl::StatusOr<ChurnDesign> ParseChurnDesign(absl::string_view bytes) {
  Reader r(bytes);
  ChurnDesign d = ReadDesign(r);
  if (!r.ok()) return absl::InvalidArgumentError("not a valid churn design: it ends early");
  if (r.left() != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a valid churn design: ", r.left(), " trailing bytes"));
  }
  const absl::Status st = ValidateChurnDesign(d);
  if (!st.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("not a valid churn design: ", st.message()));
  }
  return d;
}

namespace {

// The payload that marks a file-system error (IsChurnFileError).
constexpr absl::string_view kFileErrorPayload = "type.npscore/churn.file_error";

// `status` marked as a file-system error.
absl::Status AsFileError(absl::Status status) {
  status.SetPayload(kFileErrorPayload, absl::Cord("1"));
  return status;
}

// The error of a failed system call on `path`: what was done, and errno's text.
absl::Status FileError(absl::string_view what, const std::string& path, int error) {
  return AsFileError(absl::InvalidArgumentError(absl::StrCat(
      "cannot ", what, " '", path, "': ", std::generic_category().message(error))));
}

// A path as the system reads it: not empty, and without a NUL, which would
// end it early (and name another file).
absl::Status CheckPath(const std::string& path) {
  if (path.empty()) return absl::InvalidArgumentError("path is empty: give a model file");
  if (path.find('\0') != std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "path '", absl::CEscape(path), "' contains a NUL character: it would name another file"));
  }
  return absl::OkStatus();
}

// What a file that is not a regular file is, for messages.
const char* FileKind(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

// Closes a file descriptor when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // Closes now; returns 0 or the errno of close().
  int Close() {
    const int fd = fd_;
    fd_ = -1;
    return ::close(fd) == 0 ? 0 : errno;
  }

 private:
  int fd_;
};

}  // namespace

bool IsChurnFileError(const absl::Status& status) {
  return status.GetPayload(kFileErrorPayload).has_value();
}

absl::Status SaveChurnModel(const ChurnModel& model, const std::string& path) {
  if (model.coef.size() > kMaxFeatures || model.feature_names.size() > kMaxFeatures) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the model has ", model.coef.size(), " features: at most ", kMaxFeatures,
        " (kMaxChurnFeatures) can be saved"));
  }
  NPSCORE_RETURN_IF_ERROR(CheckPath(path));
  const std::string bytes = SerializeChurnModel(model);
  if (bytes.size() > kMaxChurnModelBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the model takes ", bytes.size(), " bytes: at most ", kMaxChurnModelBytes,
        " (kMaxChurnModelBytes) can be saved; shorten the feature names"));
  }
  // O_NONBLOCK: opening a FIFO without a reader fails instead of blocking.
  Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NONBLOCK, 0666));
  if (fd.get() < 0) return FileError("open for writing", path, errno);
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return FileError("inspect", path, errno);
  if (!S_ISREG(st.st_mode)) {
    return AsFileError(absl::InvalidArgumentError(
        absl::StrCat("cannot write '", path, "': it is ", FileKind(st.st_mode), ", not a file")));
  }
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t k = ::write(fd.get(), bytes.data() + done, bytes.size() - done);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return FileError("write", path, k < 0 ? errno : EIO);
    done += static_cast<size_t>(k);
  }
  if (const int error = fd.Close(); error != 0) return FileError("write", path, error);
  return absl::OkStatus();
}

absl::StatusOr<ChurnModel> LoadChurnModel(const std::string& path) {
  NPSCORE_RETURN_IF_ERROR(CheckPath(path));
  // Only regular files are read: O_NONBLOCK keeps the open of a FIFO from
  // waiting for a writer, and fstat refuses it (and directories, devices).
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (fd.get() < 0) return FileError("open", path, errno);
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return FileError("inspect", path, errno);
  if (!S_ISREG(st.st_mode)) {
    return AsFileError(absl::InvalidArgumentError(absl::StrCat(
        "cannot load '", path, "': it is ", FileKind(st.st_mode), ", not a churn model file")));
  }
  if (st.st_size == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot load '", path, "': the file is empty (0 bytes), not a churn model"));
  }
  if (static_cast<uint64_t>(st.st_size) > kMaxChurnModelBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot load '", path, "': the file has ", st.st_size,
        " bytes, more than any churn model (", kMaxChurnModelBytes, ", kMaxChurnModelBytes)"));
  }
  // Read to the end (the file may have changed since fstat), within the bound.
  std::string bytes(static_cast<size_t>(st.st_size), '\0');
  size_t done = 0;
  for (;;) {
    if (done == bytes.size()) {
      if (bytes.size() >= kMaxChurnModelBytes + 1) break;
      bytes.resize(std::min<size_t>(kMaxChurnModelBytes + 1, bytes.size() + 4096));
    }
    const ssize_t k = ::read(fd.get(), &bytes[done], bytes.size() - done);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) return FileError("read", path, errno);
    if (k == 0) break;
    done += static_cast<size_t>(k);
  }
  bytes.resize(done);
  if (done > kMaxChurnModelBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot load '", path, "': the file has grown past ", kMaxChurnModelBytes,
        " bytes (kMaxChurnModelBytes) while being read"));
  }
  auto m = ParseChurnModel(bytes);
  if (!m.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("'", path, "': ", m.status().message()));
  }
  return m;
}

}  // namespace npscore
