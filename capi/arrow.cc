// Result tables out through the Arrow C Data Interface (capi/arrow.h).

#include "capi/arrow.h"

#include <array>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

namespace npscore {
namespace capi {
namespace {

// Stands in for the values buffer of an empty column, so that no buffer
// pointer is NULL (some importers reject NULL buffers even for length 0).
alignas(64) const int64_t kEmptyBuffer[2] = {0, 0};

const void* NonNull(const void* p) { return p != nullptr ? p : kEmptyBuffer; }

// Everything the array nodes of one export point to. Each node's
// private_data is a heap-allocated shared_ptr to it, released with the node.
struct ArrayData {
  std::shared_ptr<const void> owner;
  std::vector<std::vector<uint8_t>> owned;  // copied column buffers
  std::vector<std::vector<char>> owned_data;
  std::vector<std::array<const void*, 3>> child_buffers;
  std::vector<ArrowArray> children;
  std::vector<ArrowArray*> child_pointers;
  std::array<const void*, 1> buffers = {nullptr};  // the struct's validity: none
};

// Everything the schema nodes of one export point to.
struct SchemaData {
  std::vector<std::string> names;
  std::vector<std::string> formats;
  std::vector<ArrowSchema> children;
  std::vector<ArrowSchema*> child_pointers;
};

template <typename Node, typename Data>
void ReleaseNode(Node* node) {
  if (node == nullptr || node->release == nullptr) return;
  // Children not moved out by the consumer are released with their parent.
  for (int64_t i = 0; i < node->n_children; ++i) {
    Node* child = node->children[i];
    if (child->release != nullptr) child->release(child);
  }
  delete static_cast<std::shared_ptr<Data>*>(node->private_data);
  node->release = nullptr;
}

void ReleaseArray(ArrowArray* a) { ReleaseNode<ArrowArray, ArrayData>(a); }
void ReleaseSchema(ArrowSchema* s) { ReleaseNode<ArrowSchema, SchemaData>(s); }

}  // namespace

ArrowTableExport::ArrowTableExport(int64_t rows, std::shared_ptr<const void> owner)
    : rows_(rows), owner_(std::move(owner)) {}

void ArrowTableExport::AddView(absl::string_view name, const char* format, const void* values) {
  Column c;
  c.name = std::string(name);
  c.format = format;
  c.values = values;
  columns_.push_back(std::move(c));
}

void ArrowTableExport::AddF64(absl::string_view name, const double* values) {
  AddView(name, "g", values);
}
void ArrowTableExport::AddI64(absl::string_view name, const int64_t* values) {
  AddView(name, "l", values);
}
void ArrowTableExport::AddI32(absl::string_view name, const int32_t* values) {
  AddView(name, "i", values);
}
void ArrowTableExport::AddI8(absl::string_view name, const int8_t* values) {
  AddView(name, "c", values);
}
void ArrowTableExport::AddU32(absl::string_view name, const uint32_t* values) {
  AddView(name, "I", values);
}

void ArrowTableExport::AddI64(absl::string_view name, std::vector<int64_t> values) {
  Column c;
  c.name = std::string(name);
  c.format = "l";
  c.owned.resize(values.size() * sizeof(int64_t));
  if (!values.empty()) std::memcpy(c.owned.data(), values.data(), c.owned.size());
  columns_.push_back(std::move(c));
}

void ArrowTableExport::AddBool(absl::string_view name, const uint8_t* values) {
  Column c;
  c.name = std::string(name);
  c.format = "b";
  c.owned.assign(static_cast<size_t>((rows_ + 7) / 8), 0);
  for (int64_t i = 0; i < rows_; ++i) {
    if (values[i] != 0) c.owned[static_cast<size_t>(i / 8)] |= uint8_t(1u << (i % 8));
  }
  columns_.push_back(std::move(c));
}

void ArrowTableExport::AddUtf8Rows(absl::string_view name,
                                   const std::vector<absl::string_view>& rows) {
  Column c;
  c.name = std::string(name);
  size_t total = 0;
  for (absl::string_view r : rows) total += r.size();
  // 32-bit offsets ("u") while they fit, 64-bit ("U", large_utf8) beyond.
  const bool large = total > static_cast<size_t>(std::numeric_limits<int32_t>::max());
  c.format = large ? "U" : "u";
  const size_t width = large ? sizeof(int64_t) : sizeof(int32_t);
  c.owned.resize((rows.size() + 1) * width);
  c.owned_data.reserve(total);
  int64_t offset = 0;
  for (size_t i = 0; i <= rows.size(); ++i) {
    if (large) {
      std::memcpy(&c.owned[i * width], &offset, width);
    } else {
      const int32_t o = static_cast<int32_t>(offset);
      std::memcpy(&c.owned[i * width], &o, width);
    }
    if (i < rows.size()) {
      c.owned_data.insert(c.owned_data.end(), rows[i].begin(), rows[i].end());
      offset += static_cast<int64_t>(rows[i].size());
    }
  }
  columns_.push_back(std::move(c));
}

void ArrowTableExport::Export(ArrowArray* out, ArrowSchema* out_schema) {
  const size_t n = columns_.size();
  auto array_data = std::make_shared<ArrayData>();
  auto schema_data = std::make_shared<SchemaData>();
  ArrayData& a = *array_data;
  SchemaData& s = *schema_data;
  a.owner = owner_;
  a.owned.reserve(n);
  a.owned_data.reserve(n);
  a.child_buffers.resize(n);
  a.children.resize(n);
  a.child_pointers.resize(n);
  s.names.reserve(n + 1);
  s.formats.reserve(n + 1);
  s.children.resize(n);
  s.child_pointers.resize(n);

  // Every heap allocation happens before the first node owns a reference,
  // so an out-of-memory exception leaks nothing and writes nothing.
  std::vector<std::unique_ptr<std::shared_ptr<ArrayData>>> array_refs;
  std::vector<std::unique_ptr<std::shared_ptr<SchemaData>>> schema_refs;
  for (size_t i = 0; i <= n; ++i) {
    array_refs.push_back(std::make_unique<std::shared_ptr<ArrayData>>(array_data));
    schema_refs.push_back(std::make_unique<std::shared_ptr<SchemaData>>(schema_data));
  }

  for (size_t i = 0; i < n; ++i) {
    Column& c = columns_[i];
    const bool utf8 = c.format == "u" || c.format == "U";
    const bool copied = !c.owned.empty() || utf8;
    a.owned.push_back(std::move(c.owned));
    a.owned_data.push_back(std::move(c.owned_data));
    const void* values = copied ? a.owned.back().data() : c.values;
    a.child_buffers[i] = {nullptr, NonNull(values), NonNull(a.owned_data.back().data())};
    s.formats.push_back(c.format);
    s.names.push_back(std::move(c.name));
  }
  s.formats.push_back("+s");
  s.names.push_back("");

  for (size_t i = 0; i < n; ++i) {
    const bool utf8 = s.formats[i] == "u" || s.formats[i] == "U";
    ArrowArray& child = a.children[i];
    child = ArrowArray{};
    child.length = rows_;
    child.null_count = 0;
    child.offset = 0;
    child.n_buffers = utf8 ? 3 : 2;
    child.n_children = 0;
    child.buffers = a.child_buffers[i].data();
    child.children = nullptr;
    child.dictionary = nullptr;
    child.release = ReleaseArray;
    child.private_data = array_refs[i].release();
    a.child_pointers[i] = &child;

    ArrowSchema& cs = s.children[i];
    cs = ArrowSchema{};
    cs.format = s.formats[i].c_str();
    cs.name = s.names[i].c_str();
    cs.metadata = nullptr;
    cs.flags = 0;  // no nulls: a missing statistic is NaN, as in the row getters
    cs.n_children = 0;
    cs.children = nullptr;
    cs.dictionary = nullptr;
    cs.release = ReleaseSchema;
    cs.private_data = schema_refs[i].release();
    s.child_pointers[i] = &cs;
  }

  *out = ArrowArray{};
  out->length = rows_;
  out->null_count = 0;
  out->offset = 0;
  out->n_buffers = 1;
  out->n_children = static_cast<int64_t>(n);
  out->buffers = a.buffers.data();
  out->children = a.child_pointers.data();
  out->dictionary = nullptr;
  out->release = ReleaseArray;
  out->private_data = array_refs[n].release();

  *out_schema = ArrowSchema{};
  out_schema->format = s.formats[n].c_str();
  out_schema->name = s.names[n].c_str();
  out_schema->metadata = nullptr;
  out_schema->flags = 0;
  out_schema->n_children = static_cast<int64_t>(n);
  out_schema->children = s.child_pointers.data();
  out_schema->dictionary = nullptr;
  out_schema->release = ReleaseSchema;
  out_schema->private_data = schema_refs[n].release();
}

}  // namespace capi
}  // namespace npscore

extern "C" {

NPSCORE_API npscore_status npscore_arrow_column(const void** out_data, int32_t* out_dtype,
                                                size_t* out_n, const ArrowArray* array,
                                                const ArrowSchema* schema, npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out_data);
  NPSCORE_C_REQUIRE(out_dtype);
  NPSCORE_C_REQUIRE(out_n);
  NPSCORE_C_REQUIRE(array);
  NPSCORE_C_REQUIRE(schema);
  if (array->release == nullptr || schema->release == nullptr) {
    return call.Fail(NPSCORE_EINVAL, array->release == nullptr ? "array" : "schema",
                     " is released (its release callback is NULL)");
  }
  if (schema->format == nullptr) return call.Null("schema->format");
  struct Kind {
    const char* format;
    int32_t dtype;
    size_t size;
  };
  static constexpr Kind kKinds[] = {
      {"c", NPSCORE_I8, 1},  {"C", NPSCORE_U8, 1},  {"s", NPSCORE_I16, 2}, {"S", NPSCORE_U16, 2},
      {"i", NPSCORE_I32, 4}, {"I", NPSCORE_U32, 4}, {"l", NPSCORE_I64, 8}, {"L", NPSCORE_U64, 8},
      {"f", NPSCORE_F32, 4}, {"g", NPSCORE_F64, 8}};
  const Kind* kind = nullptr;
  for (const Kind& k : kKinds) {
    if (std::strcmp(schema->format, k.format) == 0) kind = &k;
  }
  if (kind == nullptr) {
    // The format is caller text: show at most 16 bytes of it, escaped.
    std::string shown;
    for (size_t i = 0; schema->format[i] != '\0' && i < 16; ++i) {
      const unsigned char c = static_cast<unsigned char>(schema->format[i]);
      if (c >= 0x20 && c < 0x7f) {
        shown += static_cast<char>(c);
      } else {
        shown += absl::StrCat("\\x", absl::Hex(c, absl::kZeroPad2));
      }
    }
    return call.Fail(NPSCORE_EINVAL, absl::StrCat("schema->format is \"", shown, "\""),
                     ": not a primitive numeric Arrow type (c C s S i I l L f g)");
  }
  const int64_t length = array->length;
  const int64_t offset = array->offset;
  if (length < 0 || offset < 0 || length > INT64_MAX - offset) {
    return call.Fail(NPSCORE_EINVAL, absl::StrCat("array->length is ", length, " and offset ",
                                                  offset),
                     ": both must be >= 0 and their sum must fit in int64");
  }
  if (array->n_buffers != 2 || array->buffers == nullptr) {
    return call.Fail(NPSCORE_EINVAL, absl::StrCat("array->n_buffers is ", array->n_buffers),
                     ": a primitive array has 2 (validity, values)");
  }
  const uint8_t* validity = static_cast<const uint8_t*>(array->buffers[0]);
  const char* values = static_cast<const char*>(array->buffers[1]);
  if (array->null_count != 0 && validity != nullptr) {
    for (int64_t i = 0; i < length; ++i) {
      const int64_t bit = offset + i;
      if (((validity[bit / 8] >> (bit % 8)) & 1) == 0) {
        return call.Fail(NPSCORE_EINVAL, absl::StrCat("array row ", i, " is null"),
                         ": an npscore column has no nulls (fill them, e.g. NaN for a missing "
                         "float score, or drop those rows)");
      }
    }
  } else if (array->null_count > 0) {
    return call.Fail(NPSCORE_EINVAL, absl::StrCat("array->null_count is ", array->null_count),
                     " but there is no validity buffer");
  }
  if (length > 0 && values == nullptr) return call.Null("array->buffers[1]");
  // The first and one-past-last addresses are computed as integers: an offset
  // or length beyond the caller's buffer must not overflow pointer arithmetic
  // (undefined behaviour); a view that would wrap the address space is refused.
  const uint64_t span = static_cast<uint64_t>(offset) + static_cast<uint64_t>(length);
  const uintptr_t base = reinterpret_cast<uintptr_t>(values);
  if (span > UINTPTR_MAX / kind->size ||
      (values != nullptr && base > UINTPTR_MAX - static_cast<uintptr_t>(span) * kind->size)) {
    return call.Fail(NPSCORE_EINVAL, absl::StrCat("array->offset is ", offset, " and length ",
                                                  length),
                     ": the column would run past the end of the address space");
  }
  const char* first =
      values == nullptr
          ? nullptr
          : reinterpret_cast<const char*>(base + static_cast<uintptr_t>(offset) * kind->size);
  if (first != nullptr && reinterpret_cast<uintptr_t>(first) % kind->size != 0) {
    return call.Fail(NPSCORE_EINVAL, "array->buffers[1] + offset",
                     absl::StrCat(" is not aligned to ", kind->size, " bytes"));
  }
  *out_data = first;
  *out_dtype = kind->dtype;
  *out_n = static_cast<size_t>(length);
  return call.Ok();
  NPSCORE_C_END
}

}  // extern "C"
