package slo

import (
	"math/big"
	"strconv"
	"strings"
)

// ratOf is the exact rational of a number the spec wrote: the shortest
// decimal that round-trips f, which is what the user typed (CUE decodes
// 99.9 to the float nearest 99.9).
func ratOf(f float64) *big.Rat {
	r, ok := new(big.Rat).SetString(strconv.FormatFloat(f, 'g', -1, 64))
	if !ok {
		return new(big.Rat).SetFloat64(f)
	}
	return r
}

// Number renders r for PromQL: its exact decimal when it has one of at
// most 17 significant digits, else the float nearest to it.
func Number(r *big.Rat) string {
	if s, ok := exactDecimal(r); ok {
		return s
	}
	f, _ := r.Float64()
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// Float is r as the nearest float64.
func Float(r *big.Rat) float64 {
	f, _ := r.Float64()
	return f
}

// exactDecimal is r's terminating decimal expansion, if it has one of at
// most 17 significant digits.
func exactDecimal(r *big.Rat) (string, bool) {
	// A rational terminates in base 10 iff its reduced denominator is 2^a 5^b.
	d := new(big.Int).Set(r.Denom())
	digits := 0
	for _, p := range []int64{2, 5} {
		bp := big.NewInt(p)
		m := new(big.Int)
		for {
			q, rem := new(big.Int).QuoRem(d, bp, m)
			if rem.Sign() != 0 {
				break
			}
			d = q
		}
	}
	if d.Cmp(big.NewInt(1)) != 0 {
		return "", false
	}
	for prec := 0; prec <= 40; prec++ {
		s := r.FloatString(prec)
		back, _ := new(big.Rat).SetString(s)
		if back.Cmp(r) == 0 {
			digits = len(strings.TrimLeft(strings.ReplaceAll(strings.TrimPrefix(s, "-"), ".", ""), "0"))
			if digits > 17 {
				return "", false
			}
			return s, true
		}
	}
	return "", false
}
