package npscore

/*
#include <stdlib.h>
#include "npscore/c_api.h"
*/
import "C"

import (
	"math"
	"runtime"
	"strings"
	"unsafe"
)

// Layout is the memory layout of a matrix of doubles.
type Layout int32

// The layouts (npscore_churn_layout).
const (
	RowMajor Layout = C.NPSCORE_ROW_MAJOR // element (i, j) at Data[i*Cols+j]
	ColMajor Layout = C.NPSCORE_COL_MAJOR // element (i, j) at Data[j*Rows+i]
)

// Matrix is a Rows x Cols matrix of doubles in Layout, read in place.
type Matrix struct {
	Data       []float64
	Rows, Cols int
	Layout     Layout
}

// check verifies that Data holds exactly Rows x Cols values, so the library
// never reads past the slice.
func (m *Matrix) check(fn string) error {
	if m.Rows < 0 || m.Cols < 0 || (m.Cols > 0 && m.Rows > math.MaxInt/m.Cols) ||
		len(m.Data) != m.Rows*m.Cols {
		return invalid("%s: x has %d values for %d rows x %d columns", fn, len(m.Data), m.Rows, m.Cols)
	}
	return nil
}

// ClassWeight selects the class weights of a churn fit.
type ClassWeight int32

// The class weights (npscore_churn_class_weight).
const (
	ClassWeightNone     ClassWeight = C.NPSCORE_CLASS_WEIGHT_NONE     // all 1
	ClassWeightBalanced ClassWeight = C.NPSCORE_CLASS_WEIGHT_BALANCED // as scikit-learn's "balanced"
	ClassWeightGiven    ClassWeight = C.NPSCORE_CLASS_WEIGHT_GIVEN    // ChurnFitOptions.ClassWeight
)

// ChurnFitOptions are the options of FitChurnModel: L2 logistic regression
// with scikit-learn's objective, solved by Newton's method. A nil
// *ChurnFitOptions means DefaultChurnFitOptions().
type ChurnFitOptions struct {
	C               float64     // inverse L2 strength, > 0; +Inf: none (1)
	FitIntercept    bool        // (true)
	Standardize     bool        // fit on standardized columns (false)
	ClassWeightMode ClassWeight // (ClassWeightNone)
	ClassWeight     [2]float64  // weights of classes 0 and 1 with ClassWeightGiven (1, 1)
	Tol             float64     // gradient tolerance (1e-8)
	MaxIter         int32       // Newton iterations (100)
	Threads         int32       // 0: automatic (0)
}

// DefaultChurnFitOptions returns the library's defaults (scikit-learn's
// LogisticRegression).
func DefaultChurnFitOptions() ChurnFitOptions {
	var c C.npscore_churn_fit_options
	mustInit(func(e *C.npscore_error) C.npscore_status {
		return C.npscore_churn_fit_options_init(&c, C.NPSCORE_CHURN_FIT_OPTIONS_VERSION, e)
	})
	return ChurnFitOptions{
		C: float64(c.C), FitIntercept: c.fit_intercept != 0, Standardize: c.standardize != 0,
		ClassWeightMode: ClassWeight(c.class_weight_mode),
		ClassWeight:     [2]float64{float64(c.class_weight[0]), float64(c.class_weight[1])},
		Tol:             float64(c.tol), MaxIter: int32(c.max_iter), Threads: int32(c.threads),
	}
}

func (o *ChurnFitOptions) cOptions() *C.npscore_churn_fit_options {
	if o == nil {
		return nil
	}
	return &C.npscore_churn_fit_options{
		version: C.NPSCORE_CHURN_FIT_OPTIONS_VERSION, C: C.double(o.C),
		fit_intercept: boolInt(o.FitIntercept), standardize: boolInt(o.Standardize),
		class_weight_mode: C.int32_t(o.ClassWeightMode),
		class_weight:      [2]C.double{C.double(o.ClassWeight[0]), C.double(o.ClassWeight[1])},
		tol:               C.double(o.Tol), max_iter: C.int32_t(o.MaxIter), threads: C.int32_t(o.Threads),
	}
}

// ChurnPriorOptions are the segment base rates of a prior model, each a
// churn rate within a horizon in days. A nil *ChurnPriorOptions means
// DefaultChurnPriorOptions().
type ChurnPriorOptions struct {
	DetractorRate, DetractorDays                   float64 // (0.40, 90)
	EarlyLifeDetractorRate, EarlyLifeDetractorDays float64 // (0.50, 90)
	PassiveRate, PassiveDays                       float64 // (0.25, 180)
	PromoterRate, PromoterDays                     float64 // (0.09, 180)
	BaselineRate, BaselineDays                     float64 // no answer yet (0.05, 90)
}

// DefaultChurnPriorOptions returns the library's default base rates.
func DefaultChurnPriorOptions() ChurnPriorOptions {
	var c C.npscore_churn_prior_options
	mustInit(func(e *C.npscore_error) C.npscore_status {
		return C.npscore_churn_prior_options_init(&c, C.NPSCORE_CHURN_PRIOR_OPTIONS_VERSION, e)
	})
	return ChurnPriorOptions{
		float64(c.detractor_rate), float64(c.detractor_days),
		float64(c.early_life_detractor_rate), float64(c.early_life_detractor_days),
		float64(c.passive_rate), float64(c.passive_days),
		float64(c.promoter_rate), float64(c.promoter_days),
		float64(c.baseline_rate), float64(c.baseline_days),
	}
}

func (o *ChurnPriorOptions) cOptions() *C.npscore_churn_prior_options {
	if o == nil {
		return nil
	}
	return &C.npscore_churn_prior_options{
		version:        C.NPSCORE_CHURN_PRIOR_OPTIONS_VERSION,
		detractor_rate: C.double(o.DetractorRate), detractor_days: C.double(o.DetractorDays),
		early_life_detractor_rate: C.double(o.EarlyLifeDetractorRate),
		early_life_detractor_days: C.double(o.EarlyLifeDetractorDays),
		passive_rate:              C.double(o.PassiveRate), passive_days: C.double(o.PassiveDays),
		promoter_rate: C.double(o.PromoterRate), promoter_days: C.double(o.PromoterDays),
		baseline_rate: C.double(o.BaselineRate), baseline_days: C.double(o.BaselineDays),
	}
}

// ChurnFitInfo says how a fit ended. A fit that reached MaxIter has
// Converged false: usable, but to be checked (it is not an error).
type ChurnFitInfo struct {
	NIter       int32
	Converged   bool
	GradNorm    float64 // final max |gradient| / sum(weights)
	Objective   float64 // final objective / sum(weights)
	NWarnings   int     // data warnings: ChurnModel.Warnings()
	IsPrior     bool    // made by NewChurnPrior
	HorizonDays float64 // prior models: the horizon of the probabilities
}

// ChurnModel is a fitted, prior or loaded churn model. Read-only: it may be
// used from several goroutines at once.
type ChurnModel struct {
	h handle[*C.npscore_churn_model] // first: the cleanup is attached to it
}

func newChurnModel(p *C.npscore_churn_model) *ChurnModel {
	m := &ChurnModel{}
	m.h.own(p, func(p *C.npscore_churn_model) { C.npscore_churn_model_free(p) })
	return m
}

// cStrings copies ss into C memory: an array of C strings that the caller
// releases with the returned function (nil for an empty ss).
func cStrings(fn, what string, ss []string) (**C.char, func(), error) {
	if len(ss) == 0 {
		return nil, func() {}, nil
	}
	for _, s := range ss {
		if strings.IndexByte(s, 0) >= 0 {
			return nil, nil, invalid("%s: %s %q contains a NUL byte", fn, what, s)
		}
	}
	arr := unsafe.Slice((**C.char)(C.malloc(C.size_t(len(ss))*C.size_t(unsafe.Sizeof((*C.char)(nil))))), len(ss))
	for i, s := range ss {
		arr[i] = C.CString(s)
	}
	return &arr[0], func() {
		for _, p := range arr {
			C.free(unsafe.Pointer(p))
		}
		C.free(unsafe.Pointer(&arr[0]))
	}, nil
}

// FitChurnModel fits a churn model to x, labels y (0 or 1, one per row, both
// present) and sampleWeight (nil: all 1). featureNames is nil (x0, x1, ...)
// or one distinct name per column; churn_features' names ("segment=detractor",
// ...) switch on the core's reason rules.
func FitChurnModel(x Matrix, y, sampleWeight []float64, featureNames []string,
	opts *ChurnFitOptions) (*ChurnModel, error) {
	if err := x.check("FitChurnModel"); err != nil {
		return nil, err
	}
	if err := sameLength("FitChurnModel", "y", len(y), x.Rows); err != nil {
		return nil, err
	}
	if sampleWeight != nil {
		if err := sameLength("FitChurnModel", "sampleWeight", len(sampleWeight), x.Rows); err != nil {
			return nil, err
		}
	}
	if featureNames != nil && len(featureNames) != x.Cols {
		return nil, invalid("FitChurnModel: featureNames has %d names for %d columns", len(featureNames), x.Cols)
	}
	names, free, err := cStrings("FitChurnModel", "feature name", featureNames)
	if err != nil {
		return nil, err
	}
	defer free()
	var p *C.npscore_churn_model
	if err := call(func(e *C.npscore_error) C.npscore_status {
		return C.npscore_churn_model_fit(&p, f64p(x.Data), C.size_t(x.Rows), C.size_t(x.Cols),
			C.int32_t(x.Layout), f64p(y), f64p(sampleWeight), names, opts.cOptions(), e)
	}); err != nil {
		return nil, err
	}
	return newChurnModel(p), nil
}

// NewChurnPrior makes a prior model without training data: the base rates of
// opts converted to horizonDays, read from four 0/1 columns in this order:
// "segment=detractor", "segment=passive", "has_response",
// "early_life_detractor".
func NewChurnPrior(horizonDays float64, opts *ChurnPriorOptions) (*ChurnModel, error) {
	var p *C.npscore_churn_model
	if err := call(func(e *C.npscore_error) C.npscore_status {
		return C.npscore_churn_model_new(&p, C.double(horizonDays), opts.cOptions(), e)
	}); err != nil {
		return nil, err
	}
	return newChurnModel(p), nil
}

// LoadChurnModel reads a model written by ChurnModel.Save (or by C, C++ or
// Python).
func LoadChurnModel(path string) (*ChurnModel, error) {
	cpath, err := cString("LoadChurnModel", "path", path)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(cpath))
	var p *C.npscore_churn_model
	if err := call(func(e *C.npscore_error) C.npscore_status {
		return C.npscore_churn_model_load(&p, cpath, e)
	}); err != nil {
		return nil, err
	}
	return newChurnModel(p), nil
}

// Close frees the model; later calls do nothing.
func (m *ChurnModel) Close() { m.h.close() }

// Save writes the model to path (versioned binary format with a checksum).
func (m *ChurnModel) Save(path string) error {
	if m.h.p == nil {
		return closedError("ChurnModel")
	}
	cpath, err := cString("ChurnModel.Save", "path", path)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(cpath))
	err = call(func(e *C.npscore_error) C.npscore_status {
		return C.npscore_churn_model_save(m.h.p, cpath, e)
	})
	runtime.KeepAlive(m)
	return err
}

// Info returns how the model's fit ended.
func (m *ChurnModel) Info() (ChurnFitInfo, error) {
	if m.h.p == nil {
		return ChurnFitInfo{}, closedError("ChurnModel")
	}
	var c C.npscore_churn_fit_info
	err := call(func(e *C.npscore_error) C.npscore_status {
		return C.npscore_churn_model_info(&c, m.h.p, e)
	})
	runtime.KeepAlive(m)
	return ChurnFitInfo{
		NIter: int32(c.n_iter), Converged: c.converged != 0, GradNorm: float64(c.grad_norm),
		Objective: float64(c.objective), NWarnings: int(c.n_warnings), IsPrior: c.is_prior != 0,
		HorizonDays: float64(c.horizon_days),
	}, err
}

// NFeatures returns the number of features (0 once closed).
func (m *ChurnModel) NFeatures() int {
	n := int(C.npscore_churn_model_n_features(m.h.p))
	runtime.KeepAlive(m)
	return n
}

// Coef returns the coefficients (original scale) and the intercept.
func (m *ChurnModel) Coef() ([]float64, float64, error) {
	if m.h.p == nil {
		return nil, 0, closedError("ChurnModel")
	}
	coef := make([]float64, m.NFeatures())
	var intercept C.double
	err := call(func(e *C.npscore_error) C.npscore_status {
		return C.npscore_churn_model_coef(f64p(coef), C.size_t(len(coef)), &intercept, m.h.p, e)
	})
	runtime.KeepAlive(m)
	if err != nil {
		return nil, 0, err
	}
	return coef, float64(intercept), nil
}

// FeatureNames returns the names of the model's features.
func (m *ChurnModel) FeatureNames() ([]string, error) {
	return m.strings(m.NFeatures(), func(s **C.char, j C.size_t, e *C.npscore_error) C.npscore_status {
		return C.npscore_churn_model_feature_name(s, m.h.p, j, e)
	})
}

// Warnings returns the data warnings of the fit (constant columns, ...).
func (m *ChurnModel) Warnings() ([]string, error) {
	info, err := m.Info()
	if err != nil {
		return nil, err
	}
	return m.strings(info.NWarnings, func(s **C.char, k C.size_t, e *C.npscore_error) C.npscore_status {
		return C.npscore_churn_model_warning(s, m.h.p, k, e)
	})
}

func (m *ChurnModel) strings(n int, get func(**C.char, C.size_t, *C.npscore_error) C.npscore_status) ([]string, error) {
	if m.h.p == nil {
		return nil, closedError("ChurnModel")
	}
	out := make([]string, n)
	for j := range out {
		var s *C.char
		if err := call(func(e *C.npscore_error) C.npscore_status { return get(&s, C.size_t(j), e) }); err != nil {
			return nil, err
		}
		out[j] = C.GoString(s)
	}
	runtime.KeepAlive(m)
	return out, nil
}

// Predict returns P(churn) of each row of x.
func (m *ChurnModel) Predict(x Matrix) ([]float64, error) {
	if m.h.p == nil {
		return nil, closedError("ChurnModel")
	}
	if err := x.check("ChurnModel.Predict"); err != nil {
		return nil, err
	}
	out := make([]float64, x.Rows)
	err := call(func(e *C.npscore_error) C.npscore_status {
		return C.npscore_churn_model_predict(f64p(out), C.size_t(len(out)), m.h.p, f64p(x.Data),
			C.size_t(x.Rows), C.size_t(x.Cols), C.int32_t(x.Layout), e)
	})
	runtime.KeepAlive(m)
	if err != nil {
		return nil, err
	}
	return out, nil
}
