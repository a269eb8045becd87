// Result tables out through the Arrow C Data Interface (npscore/c_api.h,
// docs/arrow.md); not installed.
//
// A table exports as one struct array whose children are its columns.
// Numeric columns are views: the export holds a reference to the table that
// owns them (`owner`), so the table handle may be freed first. Boolean and
// text columns are copied into the export. Every node of the export (the
// struct and each child, array and schema alike) holds its own reference,
// so a consumer may move a child out and release the rest, as the Arrow
// specification allows.

#ifndef NPSCORE_CAPI_ARROW_H_
#define NPSCORE_CAPI_ARROW_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "capi/internal.h"
#include "npscore/c_api.h"

namespace npscore {
namespace capi {

class ArrowTableExport {
 public:
  // A table of `rows` rows whose numeric columns live in memory `owner` keeps
  // alive.
  ArrowTableExport(int64_t rows, std::shared_ptr<const void> owner);

  // Views of `rows` values (not copied).
  void AddF64(absl::string_view name, const double* values);
  void AddI64(absl::string_view name, const int64_t* values);
  void AddI32(absl::string_view name, const int32_t* values);
  void AddI8(absl::string_view name, const int8_t* values);
  void AddU32(absl::string_view name, const uint32_t* values);
  // Copies: computed columns.
  void AddI64(absl::string_view name, std::vector<int64_t> values);
  // Copies: nonzero is true.
  void AddBool(absl::string_view name, const uint8_t* values);
  // Copies row i's text `text(i)` (UTF-8) for every row.
  template <typename F>
  void AddUtf8(absl::string_view name, F&& text) {
    std::vector<absl::string_view> rows(static_cast<size_t>(rows_));
    for (int64_t i = 0; i < rows_; ++i) rows[static_cast<size_t>(i)] = text(i);
    AddUtf8Rows(name, rows);
  }

  // Writes the struct array and its schema. Nothing is written on error
  // (only out of memory can fail, reported through the exception handler
  // of the calling entry point).
  void Export(ArrowArray* out, ArrowSchema* out_schema);

 private:
  struct Column {
    std::string name;
    std::string format;             // Arrow format string: "g", "l", "b", "u", ...
    const void* values = nullptr;   // the values buffer (or string offsets)
    const void* data = nullptr;     // string bytes (utf8 only)
    std::vector<uint8_t> owned;     // copied values or offsets
    std::vector<char> owned_data;   // copied string bytes
  };

  void AddView(absl::string_view name, const char* format, const void* values);
  void AddUtf8Rows(absl::string_view name, const std::vector<absl::string_view>& rows);

  int64_t rows_;
  std::shared_ptr<const void> owner_;
  std::vector<Column> columns_;
};

}  // namespace capi
}  // namespace npscore

#endif  // NPSCORE_CAPI_ARROW_H_
