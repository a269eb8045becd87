package npscore

/*
#include <stdlib.h>
#include "npscore/c_api.h"

// cgo cannot call a C function pointer: these call the release callbacks the
// Arrow C Data Interface puts in its structs (NULL once released).
static void npscore_go_release_array(struct ArrowArray *a) {
  if (a->release != NULL) a->release(a);
}
static void npscore_go_release_schema(struct ArrowSchema *s) {
  if (s->release != NULL) s->release(s);
}
*/
import "C"

import (
	"math"
	"runtime"
	"unsafe"
)

// arrowExport is one table exported through the Arrow C Data Interface: a
// struct array and its schema in C memory, released by release().
type arrowExport struct {
	array  *C.struct_ArrowArray
	schema *C.struct_ArrowSchema
}

func newArrowExport() arrowExport {
	return arrowExport{
		array:  (*C.struct_ArrowArray)(C.calloc(1, C.size_t(unsafe.Sizeof(C.struct_ArrowArray{})))),
		schema: (*C.struct_ArrowSchema)(C.calloc(1, C.size_t(unsafe.Sizeof(C.struct_ArrowSchema{})))),
	}
}

func (x arrowExport) release() {
	C.npscore_go_release_array(x.array)
	C.npscore_go_release_schema(x.schema)
	C.free(unsafe.Pointer(x.array))
	C.free(unsafe.Pointer(x.schema))
}

// column finds the child named name, checks its Arrow format ("g" float64,
// "l" int64) and returns its array and a view of its values (offset
// applied), valid until release.
func (x arrowExport) column(name, format string) (*C.struct_ArrowArray, unsafe.Pointer, int, error) {
	n := int(x.schema.n_children)
	schemas := unsafe.Slice(x.schema.children, n)
	arrays := unsafe.Slice(x.array.children, int(x.array.n_children))
	for i := 0; i < n && i < len(arrays); i++ {
		if C.GoString(schemas[i].name) != name {
			continue
		}
		if got := C.GoString(schemas[i].format); got != format {
			return nil, nil, 0, invalid("column %q has Arrow format %q, not %q", name, got, format)
		}
		a := arrays[i]
		if a.n_buffers != 2 {
			return nil, nil, 0, invalid("column %q has %d buffers, not 2", name, int(a.n_buffers))
		}
		buffers := unsafe.Slice(a.buffers, 2)
		const width = 8 // both formats are 8 bytes wide
		values := unsafe.Add(buffers[1], int(a.offset)*width)
		return a, values, int(a.length), nil
	}
	return nil, nil, 0, invalid("no column %q in the table's Arrow export", name)
}

// isNull reports whether element i of a is null (its validity bit is 0).
func isNull(a *C.struct_ArrowArray, i int) bool {
	if a.null_count == 0 {
		return false
	}
	validity := unsafe.Slice(a.buffers, 1)[0]
	if validity == nil {
		return false
	}
	j := i + int(a.offset)
	return *(*byte)(unsafe.Add(validity, j/8))&(1<<(j%8)) == 0
}

// export runs npscore_health_table_export_arrow.
func (t *HealthTable) export() (arrowExport, error) {
	if t.h.p == nil {
		return arrowExport{}, closedError("HealthTable")
	}
	x := newArrowExport()
	err := call(func(e *C.npscore_error) C.npscore_status {
		return C.npscore_health_table_export_arrow(x.array, x.schema, t.h.p, e)
	})
	runtime.KeepAlive(t)
	if err != nil {
		C.free(unsafe.Pointer(x.array))
		C.free(unsafe.Pointer(x.schema))
		return arrowExport{}, err
	}
	return x, nil
}

// readColumn copies the column name of Arrow format (the type T) from an
// export of t; null(i) gives the value of a null at row i, or an error.
func readColumn[T float64 | int64](t *HealthTable, name, format string,
	null func(i int) (T, error)) ([]T, error) {
	x, err := t.export()
	if err != nil {
		return nil, err
	}
	defer x.release()
	a, values, n, err := x.column(name, format)
	if err != nil {
		return nil, err
	}
	out := append([]T(nil), unsafe.Slice((*T)(values), n)...)
	for i := range out {
		if isNull(a, i) {
			if out[i], err = null(i); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// Float64Column returns a float64 column of the table (e.g. "nps",
// "share_passives", "change_p_adjusted"; the names are those of HealthRow's
// C fields) read whole through the Arrow C Data Interface: one copy of the
// column instead of one call per row. A null is NaN.
func (t *HealthTable) Float64Column(name string) ([]float64, error) {
	return readColumn(t, name, "g", func(int) (float64, error) { return math.NaN(), nil })
}

// Int64Column returns an int64 column of the table (e.g. "n", "promoters",
// "slice", "period") read whole through the Arrow C Data Interface. A null
// is an error.
func (t *HealthTable) Int64Column(name string) ([]int64, error) {
	return readColumn(t, name, "l", func(i int) (int64, error) {
		return 0, invalid("column %q is null at row %d", name, i)
	})
}
