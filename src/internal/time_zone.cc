// Time zones by IANA name only: the checks run before Abseil sees a name.

#include "src/internal/time_zone.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace npscore {
namespace internal {
namespace {

constexpr char kUse[] = "use an IANA name such as \"Europe/Berlin\", or \"UTC\"";

// `value` in double quotes, non-printable bytes escaped (\x00), cut after
// kMaxTimeZoneNameBytes bytes with its length said.
std::string Quote(absl::string_view value) {
  if (value.size() <= kMaxTimeZoneNameBytes) {
    return absl::StrCat("\"", absl::CHexEscape(value), "\"");
  }
  return absl::StrCat("\"", absl::CHexEscape(value.substr(0, kMaxTimeZoneNameBytes)), "\"... (",
                      value.size(), " bytes)");
}

absl::Status BadName(absl::string_view argument, absl::string_view name, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(argument, " ", Quote(name),
                                                 " is not an IANA time-zone name: ", why, "; ",
                                                 kUse));
}

bool NameByte(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '+';
}

// A big-endian 32-bit count of a TZif header.
uint64_t Count(absl::string_view data, size_t at) {
  uint64_t v = 0;
  for (size_t i = 0; i < 4; ++i) v = v << 8 | static_cast<unsigned char>(data[at + i]);
  return v;
}

constexpr size_t kTzifHeaderBytes = 44;

// Checks the TZif header at `at` and returns the size of its data block
// (transition times of `time_bytes` bytes); `used` when Abseil reads that
// block (the first of a version 1 file, the second of a later one).
absl::StatusOr<uint64_t> TzifBlock(absl::string_view data, size_t at, uint64_t time_bytes,
                                   bool used) {
  if (data.size() - at < kTzifHeaderBytes) return absl::InvalidArgumentError("truncated header");
  if (data.substr(at, 4) != "TZif") return absl::InvalidArgumentError("not a TZif file");
  const uint64_t isut = Count(data, at + 20), isstd = Count(data, at + 24),
                 leap = Count(data, at + 28), time = Count(data, at + 32),
                 type = Count(data, at + 36), chars = Count(data, at + 40);
  if (leap != 0) {
    return absl::InvalidArgumentError("leap-second records (\"right/\" zones are not supported)");
  }
  if ((isut != 0 && isut != type) || (isstd != 0 && isstd != type) ||
      (used && (type == 0 || chars == 0))) {
    return absl::InvalidArgumentError("inconsistent header counts");
  }
  // Counts are below 2^32: the sum cannot overflow.
  const uint64_t block = time * time_bytes + time + type * 6 + chars + isstd + isut;
  const uint64_t left = data.size() - at - kTzifHeaderBytes;
  if (block > left) {
    return absl::InvalidArgumentError(absl::StrCat(
        "its header counts need ", block, " bytes of data, it has ", left));
  }
  return block;
}

// A regular file's bytes, read without ever blocking: O_NONBLOCK keeps an
// open of a FIFO from waiting for a writer, and fstat on the open file (no
// race with a path check) refuses anything but a regular file of bounded size.
absl::StatusOr<std::string> ReadZoneFile(const std::string& path, bool* missing) {
  *missing = false;
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    *missing = err == ENOENT || err == ENOTDIR || err == ENAMETOOLONG || err == ELOOP;
    return absl::InvalidArgumentError(std::strerror(err));
  }
  struct stat st;
  std::string data;
  absl::Status status;
  if (::fstat(fd, &st) != 0) {
    status = absl::InvalidArgumentError(std::strerror(errno));
  } else if (S_ISDIR(st.st_mode)) {
    *missing = true;  // a region such as "Europe", not a zone
    status = absl::InvalidArgumentError("a directory");
  } else if (!S_ISREG(st.st_mode)) {
    status = absl::InvalidArgumentError("not a regular file");
  } else if (st.st_size > kMaxTimeZoneFileBytes) {
    status = absl::InvalidArgumentError(absl::StrCat(
        st.st_size, " bytes, more than the ", kMaxTimeZoneFileBytes, " of a zone file"));
  } else {
    data.resize(static_cast<size_t>(st.st_size));
    size_t got = 0;
    while (got < data.size()) {
      const ssize_t r = ::read(fd, &data[got], data.size() - got);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) break;
      got += static_cast<size_t>(r);
    }
    if (got != data.size()) status = absl::InvalidArgumentError("short read");
  }
  ::close(fd);
  if (!status.ok()) return status;
  return data;
}

}  // namespace

absl::Status CheckTimeZoneName(absl::string_view name, absl::string_view argument) {
  if (name.empty()) return BadName(argument, name, "it is empty");
  if (name.size() > kMaxTimeZoneNameBytes) {
    return BadName(argument, name,
                   absl::StrCat("it is longer than ", kMaxTimeZoneNameBytes, " bytes"));
  }
  if (name.front() == '/') return BadName(argument, name, "a path (it starts with '/')");
  if (name == "localtime") {
    return BadName(argument, name, "\"localtime\" is this machine's zone, whatever it is");
  }
  size_t part = 0;  // bytes of the current part so far
  for (size_t i = 0; i < name.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(name[i]);
    if (c == '/') {
      if (part == 0) return BadName(argument, name, "it has an empty part ('//')");
      part = 0;
    } else if (NameByte(c)) {
      ++part;
    } else {
      return BadName(argument, name,
                     absl::StrCat("it has the byte '", absl::CHexEscape(name.substr(i, 1)),
                                  "' at offset ", i,
                                  " (names have ASCII letters, digits, '_', '-', '+' and '/')"));
    }
  }
  if (part == 0) return BadName(argument, name, "it ends with '/'");
  return absl::OkStatus();
}

absl::Status CheckTzif(absl::string_view data) {
  if (data.size() < kTzifHeaderBytes) return absl::InvalidArgumentError("truncated header");
  const char version = data[4];
  if (version != '\0' && (version < '2' || version > '4')) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown TZif version \"", absl::CHexEscape(data.substr(4, 1)), "\""));
  }
  // Version 1: one block of 32-bit times, and nothing after it.
  absl::StatusOr<uint64_t> block = TzifBlock(data, 0, 4, /*used=*/version == '\0');
  if (!block.ok()) return block.status();
  size_t at = kTzifHeaderBytes + static_cast<size_t>(*block);
  if (version != '\0') {
    // Version 2+: a second header and block of 64-bit times, then the footer,
    // a POSIX TZ string on a line of its own: "\n" TZ "\n".
    block = TzifBlock(data, at, 8, /*used=*/true);
    if (!block.ok()) return block.status();
    if (data[at + 4] != version) return absl::InvalidArgumentError("its two headers differ");
    at += kTzifHeaderBytes + static_cast<size_t>(*block);
    const absl::string_view footer = data.substr(at);
    if (footer.size() < 2 || footer.front() != '\n' || footer.back() != '\n' ||
        footer.substr(1, footer.size() - 2).find_first_of(absl::string_view("\n\0", 2)) !=
            absl::string_view::npos) {
      return absl::InvalidArgumentError("the footer is not one line");
    }
    return absl::OkStatus();
  }
  if (at != data.size()) {
    return absl::InvalidArgumentError(absl::StrCat(data.size() - at, " bytes after the data"));
  }
  return absl::OkStatus();
}

std::string TimeZoneDirectory() {
  const char* dir = std::getenv("TZDIR");
  return dir != nullptr && *dir != '\0' ? std::string(dir) : std::string("/usr/share/zoneinfo");
}

absl::StatusOr<absl::TimeZone> LoadTimeZone(absl::string_view name, absl::string_view argument) {
  if (name == "UTC") return absl::UTCTimeZone();
  if (absl::Status st = CheckTimeZoneName(name, argument); !st.ok()) return st;
  const std::string dir = TimeZoneDirectory();
  const std::string path = absl::StrCat(dir, "/", name);
  bool missing = false;
  absl::StatusOr<std::string> data = ReadZoneFile(path, &missing);
  if (!data.ok() && missing) {
    return absl::InvalidArgumentError(absl::StrCat(argument, " ", Quote(name),
                                                   " is not a zone of the time-zone database (",
                                                   dir, "); ", kUse));
  }
  absl::Status st = data.ok() ? CheckTzif(*data) : data.status();
  if (!st.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(argument, " ", Quote(name), ": ", path,
                                                   " is not a usable zone file: ", st.message()));
  }
  // Only a name of a checked file of the database gets here: Abseil's cache
  // holds at most one entry per zone file.
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(std::string(name), &zone)) {
    return absl::InvalidArgumentError(absl::StrCat(argument, " ", Quote(name), ": ", path,
                                                   " could not be read as a zone"));
  }
  return zone;
}

}  // namespace internal
}  // namespace npscore
