// Time zones by IANA name only. Every place in npscore that needs a zone
// loads it here, never with absl::LoadTimeZone directly: Abseil's loader takes
// any string as a file path ("/dev/stdin", "file:/tmp/x", "../x"), trusts the
// counts in a zone file's header, truncates names at a NUL and caches every
// name it was given, failures included, for the life of the process. A name
// reaches Abseil only after it passed the checks below, so Abseil's cache can
// hold nothing but real zones of the system's time-zone database.

#ifndef NPSCORE_SRC_INTERNAL_TIME_ZONE_H_
#define NPSCORE_SRC_INTERNAL_TIME_ZONE_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace npscore {
namespace internal {

// The longest zone name accepted, in bytes. The longest name of the IANA
// database, "America/Argentina/ComodRivadavia", has 32 (38 with "posix/").
inline constexpr size_t kMaxTimeZoneNameBytes = 64;

// The largest zone file read, in bytes. The largest of the IANA database is
// under 4 kB; the bound keeps what Abseil allocates for a zone small.
inline constexpr int64_t kMaxTimeZoneFileBytes = 64 * 1024;

// Checks the form of a zone name, without touching the file system: "UTC",
// or parts of ASCII letters, digits, '_', '-' and '+' separated by single
// '/' (no leading or trailing '/', so no path, no "." or "..", no NUL), at
// most kMaxTimeZoneNameBytes long. Errors name `argument` and quote the
// value with its non-printable bytes escaped.
absl::Status CheckTimeZoneName(absl::string_view name, absl::string_view argument);

// Checks zone-file (TZif, RFC 8536) data before Abseil reads it: the magic,
// the version, header counts consistent with each other and with the size
// of the data, no leap-second records (Abseil does not read "right/" zones),
// and a footer of one line.
absl::Status CheckTzif(absl::string_view data);

// The directory of the time-zone database: $TZDIR when set and not empty
// (as Abseil reads it), else /usr/share/zoneinfo.
std::string TimeZoneDirectory();

// Loads the zone `name` (see CheckTimeZoneName): "UTC" without a file; any
// other name only if the database holds a regular file of that name, of at
// most kMaxTimeZoneFileBytes, that passes CheckTzif. The file is opened
// without blocking (a FIFO or device is refused, never waited on). Errors
// are InvalidArgument naming `argument` and the value.
absl::StatusOr<absl::TimeZone> LoadTimeZone(absl::string_view name,
                                            absl::string_view argument);

}  // namespace internal
}  // namespace npscore

#endif  // NPSCORE_SRC_INTERNAL_TIME_ZONE_H_
