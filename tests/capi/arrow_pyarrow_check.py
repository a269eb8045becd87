"""An independent Arrow implementation (pyarrow) imports npscore's C exports.

Usage: python3 arrow_pyarrow_check.py <path of libnpscore_c.so>

Builds a health table, a group table and an account table through the C ABI
(ctypes), exports each through the Arrow C Data Interface, imports it with
pyarrow, validates it fully (buffer sizes, offsets, UTF-8) and compares its
columns with the row getters. Prints "N passed, 0 failed" like the C tests.
"""

import ctypes as C
import math
import sys

import numpy as np
import pyarrow as pa

lib = C.CDLL(sys.argv[1])
P = C.c_void_p
lib.npscore_health_table_new.argtypes = [P, P, C.c_int32, C.c_size_t, P, C.c_size_t, P,
                                         C.c_size_t, P, P, P]
lib.npscore_health_table_size.restype = C.c_size_t
lib.npscore_health_table_size.argtypes = [P]
lib.npscore_health_table_export_arrow.argtypes = [P, P, P, P]
lib.npscore_health_table_reasons.argtypes = [P, P, C.c_size_t, P]
lib.npscore_health_table_free.argtypes = [P]
lib.npscore_nps_group_table_new.argtypes = [P, P, C.c_int32, C.c_size_t, P, C.c_size_t, P, P, P]
lib.npscore_nps_group_table_new_by_key.argtypes = [P, P, C.c_int32, C.c_size_t, P, P, P, P]
lib.npscore_nps_group_table_export_arrow.argtypes = [P, P, P, P]
lib.npscore_nps_group_table_free.argtypes = [P]
lib.npscore_health_account_table_new.argtypes = [P, P, C.c_int32, C.c_size_t, P, C.c_size_t, P,
                                                 P, C.c_int32, P, C.c_double, P, P]
lib.npscore_health_account_table_export_arrow.argtypes = [P, P, P, P]
lib.npscore_health_account_table_free.argtypes = [P]
lib.npscore_last_error_message.restype = C.c_char_p

F64, I32 = 0, 4
passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAILED:", what, file=sys.stderr)


def ok(status):
    if status != 0:
        raise RuntimeError(lib.npscore_last_error_message().decode())


def export(fn, handle):
    """Imports the export of `handle` as a pyarrow StructArray (validated)."""
    array = C.create_string_buffer(80)   # struct ArrowArray
    schema = C.create_string_buffer(72)  # struct ArrowSchema
    ok(fn(C.addressof(array), C.addressof(schema), handle, None))
    imported = pa.Array._import_from_c(C.addressof(array), C.addressof(schema))
    imported.validate(full=True)
    return imported


rng = np.random.default_rng(5)
slices_n, periods_n, per = 4, 24, 50
n = slices_n * periods_n * per
scores = rng.integers(0, 11, n).astype(np.float64)
periods = np.tile(np.repeat(np.arange(periods_n, dtype=np.int32), per), slices_n)
slices = np.repeat(np.arange(slices_n, dtype=np.int64), periods_n * per)
scores[(slices == 2) & (periods >= 20)] = np.maximum(
    0, scores[(slices == 2) & (periods >= 20)] - 4)  # a drop that raises flags

t = P()
ok(lib.npscore_health_table_new(C.byref(t), scores.ctypes.data, F64, n, periods.ctypes.data,
                                periods_n, slices.ctypes.data, slices_n, None, None, None))
rows = lib.npscore_health_table_size(t)
batch = pa.RecordBatch.from_struct_array(export(lib.npscore_health_table_export_arrow, t))
check(batch.num_rows == rows == slices_n * periods_n, "health rows")
check(batch.schema.field("nps").type == pa.float64(), "nps is float64")
check(batch.schema.field("n").type == pa.int64(), "n is int64")
check(batch.schema.field("flags").type == pa.uint32(), "flags is uint32")
check(batch.schema.field("reasons").type == pa.string(), "reasons is utf8")
# Independent oracle: the counts and NPS of each (slice, period) with numpy.
df = batch.to_pandas()
for i in range(rows):
    sel = (slices == df["slice"][i]) & (periods == df["period"][i])
    s = scores[sel]
    d, p = int((s <= 6).sum()), int((s >= 9).sum())
    check(df["n"][i] == sel.sum() and df["detractors"][i] == d and df["promoters"][i] == p,
          f"counts of row {i}")
    check(math.isclose(df["nps"][i], 100.0 * (p - d) / sel.sum(), rel_tol=0, abs_tol=1e-12),
          f"nps of row {i}")
    why = C.c_char_p()
    ok(lib.npscore_health_table_reasons(C.byref(why), t, i, None))
    check(df["reasons"][i] == why.value.decode(), f"reasons of row {i}")
check((df["flags"] & ~np.uint32(1)).any(), "the drop raised a flag")
lib.npscore_health_table_free(t)
# The imported batch still reads after the handle is gone (the export holds it).
check(float(batch.column("nps")[0].as_py()) == df["nps"][0], "export outlives the handle")

ints = np.array([10, 9, 0, 7, 6, 10, 8, 3, 9, 10], dtype=np.int32)
groups = np.array([0, 0, 1, 1, 1, 2, 2, 2, 0, 1], dtype=np.int64)
g = P()
ok(lib.npscore_nps_group_table_new(C.byref(g), ints.ctypes.data, I32, 10, groups.ctypes.data, 3,
                                   None, None, None))
gb = pa.RecordBatch.from_struct_array(export(lib.npscore_nps_group_table_export_arrow, g))
check(gb.column("nps").to_pylist()[:2] == [100.0, -25.0], "group NPS by hand")
check(gb.column("small").to_pylist() == [True, True, True], "groups below min_n are small")
lib.npscore_nps_group_table_free(g)

# By key: sparse account ids come out sorted in a leading int64 "key" column.
keys = np.array([70, 70, -3, -3, -3, 10**12, 10**12, 10**12, 70, -3], dtype=np.int64)
ok(lib.npscore_nps_group_table_new_by_key(C.byref(g), ints.ctypes.data, I32, 10, keys.ctypes.data,
                                          None, None, None))
kb = pa.RecordBatch.from_struct_array(export(lib.npscore_nps_group_table_export_arrow, g))
check(kb.schema.names[0] == "key" and kb.column("key").type == pa.int64(), "key column first")
check(kb.column("key").to_pylist() == [-3, 70, 10**12], "keys ascending")
check(kb.column("nps").to_pylist()[:2] == [-25.0, 100.0], "NPS by key by hand")
lib.npscore_nps_group_table_free(g)

a = P()
ok(lib.npscore_health_account_table_new(C.byref(a), ints.ctypes.data, I32, 10, groups.ctypes.data,
                                        4, None, None, 0, None, 1.0, None, None))
ab = pa.RecordBatch.from_struct_array(export(lib.npscore_health_account_table_export_arrow, a))
check(ab.column("responses").to_pylist() == [3, 4, 3, 0], "account responses")
check(ab.column("contacts").to_pylist() == [-1, -1, -1, -1], "no contact ids: -1")
check(ab.column("segment").type == pa.int8(), "segment is int8")
lib.npscore_health_account_table_free(a)

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
