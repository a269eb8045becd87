// Package npscore is the Go binding of npscore's C library (libnpscore_c):
// Net Promoter Score summaries with intervals, distribution health over
// time, churn-risk models and the contact queue.
//
// The package is a thin layer over the C ABI (npscore/c_api.h): every
// statistic is computed by the C library, so results equal those of C, C++
// and Python exactly. Inputs are slices, read in place without copying
// where their element type matches the C one; results are Go values.
//
// # Errors
//
// Every fallible function returns an error of type *Error carrying the
// npscore status code and the library's message, which names the argument
// and, for bad data, the first offending row and value. The message always
// belongs to the call that failed: each call passes its own npscore_error
// to the library, so goroutines that the runtime moves between threads
// never read another call's message. The package never reads the
// thread-local npscore_last_error_message().
//
// # Handles
//
// Tables, models and queues (HealthTable, PeriodGrid, ChurnModel,
// PriorityQueue) own C memory. Release it with Close as soon as the value is
// no longer needed; a cleanup registered with the Go runtime frees it
// otherwise, at some later garbage collection. Close is idempotent. A handle
// is immutable: any number of goroutines may read it at once, but Close must
// not run concurrently with other uses; after Close every method returns an
// error with status StatusNull (or zero for Len).
//
// # Building
//
// The package links libnpscore_c through pkg-config (package npscore_c):
// set PKG_CONFIG_PATH to <prefix>/lib/pkgconfig of an installed npscore, and
// LD_LIBRARY_PATH (or an rpath in CGO_LDFLAGS) so the library is found at
// run time.
package npscore

/*
#cgo pkg-config: npscore_c
#include <stdlib.h>
#include "npscore/c_api.h"
*/
import "C"

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"unsafe"
)

// Status is an npscore status code (npscore_status): 0 for success, a
// negative value for an error. Values never change.
type Status int32

// The status codes of the C library.
const (
	StatusOK       Status = C.NPSCORE_OK
	StatusInvalid  Status = C.NPSCORE_EINVAL    // invalid argument or data
	StatusNoMemory Status = C.NPSCORE_ENOMEM    // out of memory
	StatusInternal Status = C.NPSCORE_EINTERNAL // a bug in npscore
	StatusNull     Status = C.NPSCORE_ENULL     // a required pointer was NULL, or a closed handle
	StatusVersion  Status = C.NPSCORE_EVERSION  // options version not supported
	StatusRange    Status = C.NPSCORE_ERANGE    // output capacity too small
	StatusIO       Status = C.NPSCORE_EIO       // a file could not be read or written
)

// String returns the library's name and meaning of the status, e.g.
// "NPSCORE_EINVAL: ...".
func (s Status) String() string {
	return C.GoString(C.npscore_status_string(C.int32_t(s)))
}

// Error is the error of a failed npscore call: its status and the
// library's message for that very call.
type Error struct {
	Status  Status
	Message string
}

// Error returns the message (the status name if the message is empty).
func (e *Error) Error() string {
	if e.Message == "" {
		return "npscore: " + e.Status.String()
	}
	return "npscore: " + e.Message
}

// Is reports whether target is an *Error with the same status, so that
// errors.Is(err, npscore.ErrInvalid) tests the status whatever the message.
func (e *Error) Is(target error) bool {
	var t *Error
	return errors.As(target, &t) && t.Status == e.Status
}

// Errors to compare with errors.Is: one per status code.
var (
	ErrInvalid  = &Error{Status: StatusInvalid}
	ErrNoMemory = &Error{Status: StatusNoMemory}
	ErrInternal = &Error{Status: StatusInternal}
	ErrNull     = &Error{Status: StatusNull}
	ErrVersion  = &Error{Status: StatusVersion}
	ErrRange    = &Error{Status: StatusRange}
	ErrIO       = &Error{Status: StatusIO}
)

// VersionNumber returns the linked library's NPSCORE_VERSION_NUMBER
// (major * 10000 + minor * 100 + patch).
func VersionNumber() int { return int(C.npscore_version_number()) }

// Version returns the linked library's version string, e.g. "0.5.0".
func Version() string { return C.GoString(C.npscore_version_string()) }

// HeaderVersionNumber is the version of the header this package was
// compiled against; VersionNumber() is the library's at run time.
const HeaderVersionNumber = C.NPSCORE_VERSION_NUMBER

// MissingTime marks a missing time (numpy's NaT) in time columns, which are
// int64 nanoseconds since the Unix epoch, UTC (time.Time.UnixNano()).
const MissingTime int64 = math.MinInt64

// NoSegment is the segment code of a row without a response.
const NoSegment = C.NPSCORE_NO_SEGMENT

// Score is the element type of a score column: any integer or floating-point
// type (float NaN is a missing score). It is read by the C library in place.
type Score interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 |
		~float32 | ~float64
}

// dtypes maps the kinds of Score types to npscore_dtype values.
var dtypes = map[reflect.Kind]C.int32_t{
	reflect.Float64: C.NPSCORE_F64, reflect.Float32: C.NPSCORE_F32,
	reflect.Int8: C.NPSCORE_I8, reflect.Int16: C.NPSCORE_I16,
	reflect.Int32: C.NPSCORE_I32, reflect.Int64: C.NPSCORE_I64,
	reflect.Uint8: C.NPSCORE_U8, reflect.Uint16: C.NPSCORE_U16,
	reflect.Uint32: C.NPSCORE_U32, reflect.Uint64: C.NPSCORE_U64,
}

// dtypeOf returns the npscore_dtype of T (int and uint by their size).
func dtypeOf[T Score]() C.int32_t {
	switch k := reflect.TypeFor[T]().Kind(); {
	case k == reflect.Int && strconv.IntSize == 64:
		return C.NPSCORE_I64
	case k == reflect.Int:
		return C.NPSCORE_I32
	case k == reflect.Uint && strconv.IntSize == 64:
		return C.NPSCORE_U64
	case k == reflect.Uint:
		return C.NPSCORE_U32
	default:
		return dtypes[k] // every other kind a Score can have is in the map
	}
}

// call runs f with a fresh npscore_error and converts a failure to *Error.
// The npscore_error is a Go value without Go pointers, so cgo may pass it.
func call(f func(err *C.npscore_error) C.npscore_status) error {
	var e C.npscore_error
	if st := f(&e); st != C.NPSCORE_OK {
		msg := unsafe.Slice((*byte)(unsafe.Pointer(&e.message[0])), len(e.message))
		if i := bytes.IndexByte(msg, 0); i >= 0 {
			msg = msg[:i]
		}
		return &Error{Status: Status(st), Message: string(msg)}
	}
	return nil
}

// cString copies s into C memory (free it with C.free); a NUL byte inside
// s, which C would read as its end, is an error.
func cString(fn, what, s string) (*C.char, error) {
	if strings.IndexByte(s, 0) >= 0 {
		return nil, invalid("%s: %s %q contains a NUL byte", fn, what, s)
	}
	return C.CString(s), nil
}

// mustInit runs an options _init() function of the library with the
// version of this package's header, which the library always accepts.
func mustInit(f func(err *C.npscore_error) C.npscore_status) {
	if err := call(f); err != nil {
		panic("npscore: the library rejected its own options version: " + err.Error())
	}
}

// handle owns one C object, P a pointer to it: close frees it, and a
// cleanup registered with the runtime frees it if the Go value whose first
// field is the handle is collected without Close. (cgo's incomplete C types
// cannot be type arguments; pointers to them can.)
type handle[P comparable] struct {
	p       P
	free    func(P)
	cleanup runtime.Cleanup
}

// own makes h the owner of p, released by free.
func (h *handle[P]) own(p P, free func(P)) {
	h.p, h.free = p, free
	h.cleanup = runtime.AddCleanup(h, free, p)
}

// close frees the object once; later calls do nothing.
func (h *handle[P]) close() {
	var none P
	if h.p != none {
		h.cleanup.Stop()
		h.free(h.p)
		h.p = none
	}
}

// invalid is an error found before calling the library (a Go-only
// condition, such as slices of different lengths).
func invalid(format string, args ...any) error {
	return &Error{Status: StatusInvalid, Message: fmt.Sprintf(format, args...)}
}

// closedError is the error of a method called on a closed handle.
func closedError(what string) error {
	return &Error{Status: StatusNull, Message: what + " is closed"}
}

// sameLength checks that an optional column (nil: absent) has n elements.
func sameLength(fn, name string, got, n int) error {
	if got != n {
		return invalid("%s: %s has %d elements, want %d (one per row)", fn, name, got, n)
	}
	return nil
}

// ptr returns the address of s's first element, or nil for an empty slice.
func ptr[T any](s []T) unsafe.Pointer {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Pointer(&s[0])
}

func f64p(s []float64) *C.double { return (*C.double)(ptr(s)) }
func i64p(s []int64) *C.int64_t  { return (*C.int64_t)(ptr(s)) }
func i32p(s []int32) *C.int32_t  { return (*C.int32_t)(ptr(s)) }
func i8p(s []int8) *C.int8_t     { return (*C.int8_t)(ptr(s)) }
func u8p(s []uint8) *C.uint8_t   { return (*C.uint8_t)(ptr(s)) }

// boolInt is the C truth value of b.
func boolInt(b bool) C.int32_t {
	if b {
		return 1
	}
	return 0
}
