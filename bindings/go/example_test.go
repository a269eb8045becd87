package npscore_test

import (
	"errors"
	"fmt"

	"npscore"
)

// The quick start of docs/go.md.
func Example() {
	s, err := npscore.Summarize([]int{9, 10, 7, 3, 9, 6, 10, 8}, nil, nil)
	if err != nil {
		panic(err)
	}
	fmt.Printf("NPS %.1f [%.1f, %.1f]\n", s.NPS, s.CILow, s.CIHigh)

	_, err = npscore.Summarize([]float64{9, 10, 11}, nil, nil)
	var e *npscore.Error
	if errors.As(err, &e) {
		fmt.Println(e.Status == npscore.StatusInvalid, errors.Is(err, npscore.ErrInvalid))
		fmt.Println(e.Message)
	}
	// Output:
	// NPS 25.0 [-29.4, 65.8]
	// true true
	// npscore_nps_summarize: score at row 2 is 11: outside the scale 0..10
}
