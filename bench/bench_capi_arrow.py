"""One column of a 240,000-row health table read through the C ABI from
Python (ctypes), as any FFI caller would: row by row with
npscore_health_table_get against one npscore_health_table_export_arrow call
imported by pyarrow (numeric columns not copied). Same table, same run.

Usage: python3 bench/bench_capi_arrow.py <path of libnpscore_c.so>
"""

import ctypes as C
import sys
import time

import numpy as np
import pyarrow as pa

lib = C.CDLL(sys.argv[1])
P = C.c_void_p
lib.npscore_health_table_new.argtypes = [P, P, C.c_int32, C.c_size_t, P, C.c_size_t, P,
                                         C.c_size_t, P, P, P]
lib.npscore_health_table_size.restype = C.c_size_t
lib.npscore_health_table_size.argtypes = [P]
lib.npscore_health_table_get.argtypes = [P, P, C.c_size_t, P]
lib.npscore_health_table_export_arrow.argtypes = [P, P, P, P]

slices, periods, per = 2000, 120, 3
n = slices * periods * per
rng = np.random.default_rng(7)
scores = rng.integers(0, 11, n).astype(np.int8)
period = np.tile(np.repeat(np.arange(periods, dtype=np.int32), per), slices)
slice_ = np.repeat(np.arange(slices, dtype=np.int64), periods * per)
t = P()
assert lib.npscore_health_table_new(C.byref(t), scores.ctypes.data, 6, n, period.ctypes.data,
                                    periods, slice_.ctypes.data, slices, None, None, None) == 0
rows = lib.npscore_health_table_size(t)
NPS_OFFSET = 8 * 5 + 8 * 2 + 8 * 9  # slice, period, 5 counts, then 9 shares before nps


def by_rows():
    row = C.create_string_buffer(512)
    out = np.empty(rows)
    for i in range(rows):
        lib.npscore_health_table_get(row, t, i, None)
        out[i] = np.frombuffer(row, dtype=np.float64, count=1, offset=NPS_OFFSET)[0]
    return out


def by_arrow():
    array, schema = C.create_string_buffer(80), C.create_string_buffer(72)
    lib.npscore_health_table_export_arrow(C.addressof(array), C.addressof(schema), t, None)
    batch = pa.RecordBatch.from_struct_array(
        pa.Array._import_from_c(C.addressof(array), C.addressof(schema)))
    return batch.column("nps").to_numpy()


t0 = time.perf_counter(); a = by_rows(); t1 = time.perf_counter()
b = by_arrow(); t2 = time.perf_counter()
b = by_arrow(); t3 = time.perf_counter()
assert np.array_equal(a, b, equal_nan=True), "the two reads disagree"
print(f"rows {rows}: row getter {t1 - t0:.3f} s, Arrow export {t3 - t2:.4f} s "
      f"(first {t2 - t1:.4f} s), ratio {(t1 - t0) / (t3 - t2):.0f}x")
