// The C ABI of string key coding (npscore/c_api.h,
// npscore_nps_factorize_strings): a thin wrapper over the core's
// FactorizeUtf8Keys (npscore/nps.h) for one Arrow-layout string column.

#include <cstdint>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "capi/internal.h"
#include "npscore/c_api.h"
#include "npscore/nps.h"

namespace npscore {
namespace capi {
namespace {

// Codes the column with offsets of type O and writes the outputs.
template <typename O>
npscore_status Factorize(Call& call, int64_t* out_codes, int64_t* out_key_rows,
                         size_t key_rows_capacity, size_t* out_n_groups, const uint8_t* validity,
                         const void* offsets, const char* data, size_t data_size, size_t offset,
                         size_t n) {
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, static_cast<const O*>(offsets), n, "offsets"));
  Utf8Chunk<O> chunk;
  chunk.offset = static_cast<int64_t>(offset);
  chunk.length = static_cast<int64_t>(n);
  if (n > 0) {
    chunk.offsets = absl::MakeConstSpan(static_cast<const O*>(offsets), offset + n + 1);
    if (validity != nullptr) chunk.validity = absl::MakeConstSpan(validity, (offset + n + 7) / 8);
  }
  if (data != nullptr) chunk.data = absl::MakeConstSpan(data, data_size);
  auto coded = FactorizeUtf8Keys<O>(absl::MakeConstSpan(&chunk, 1));
  if (!coded.ok()) return call.Fail(coded.status());
  const size_t groups = coded->key_rows.size();
  NPSCORE_C_RETURN_IF_ERROR(
      CheckCapacity(call, "out_key_rows", key_rows_capacity, groups, out_n_groups));
  for (size_t i = 0; i < n; ++i) out_codes[i] = coded->codes[i];
  for (size_t g = 0; g < groups; ++g) out_key_rows[g] = coded->key_rows[g];
  *out_n_groups = groups;
  return call.Ok();
}

}  // namespace
}  // namespace capi
}  // namespace npscore

extern "C" {

NPSCORE_API npscore_status npscore_nps_factorize_strings(
    int64_t* out_codes, size_t codes_capacity, int64_t* out_key_rows, size_t key_rows_capacity,
    size_t* out_n_groups, const uint8_t* validity, const void* offsets, int32_t offsets_dtype,
    const char* data, size_t data_size, size_t offset, size_t n, npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out_n_groups);
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, out_codes, n, "out_codes"));
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, out_key_rows, n, "out_key_rows"));
  NPSCORE_C_RETURN_IF_ERROR(
      npscore::capi::CheckCapacity(call, "out_codes", codes_capacity, n));
  int64_t rows = 0, first = 0;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CountToCore(call, n, "n", &rows));
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CountToCore(call, offset, "offset", &first));
  if (n > 0 && offset > static_cast<size_t>(std::numeric_limits<int64_t>::max()) - n - 1) {
    return call.Fail(NPSCORE_EINVAL, absl::StrCat("offset is ", offset, " and n ", n),
                     ": their sum must stay below 2^63 - 1");
  }
  if (data == nullptr && data_size > 0) {
    return call.Null("data", absl::StrCat(" is NULL but data_size is ", data_size));
  }
  switch (offsets_dtype) {
    case NPSCORE_I32:
      return npscore::capi::Factorize<int32_t>(call, out_codes, out_key_rows, key_rows_capacity,
                                               out_n_groups, validity, offsets, data, data_size,
                                               offset, n);
    case NPSCORE_I64:
      return npscore::capi::Factorize<int64_t>(call, out_codes, out_key_rows, key_rows_capacity,
                                               out_n_groups, validity, offsets, data, data_size,
                                               offset, n);
  }
  return call.Fail(NPSCORE_EINVAL, absl::StrCat("offsets_dtype is ", offsets_dtype),
                   ": use NPSCORE_I32 (Arrow utf8) or NPSCORE_I64 (large_utf8)");
  NPSCORE_C_END
}

}  // extern "C"
