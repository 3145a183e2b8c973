package domain

import "math"

// Bucket is an aging bucket of outstanding amounts, by whole days past the
// due date. The names are metric label values and URL parameters.
type Bucket string

// Aging buckets.
const (
	BucketCurrent Bucket = "current" // not yet due (or no due date)
	Bucket1to30   Bucket = "1-30"
	Bucket31to60  Bucket = "31-60"
	Bucket61to90  Bucket = "61-90"
	Bucket90Plus  Bucket = "90+"
)

// Buckets lists the aging buckets in display order.
var Buckets = []Bucket{BucketCurrent, Bucket1to30, Bucket31to60, Bucket61to90, Bucket90Plus}

// bucketBounds are the inclusive upper bounds (days past due) of every
// bucket but the last, in the order of Buckets.
var bucketBounds = []int{0, 30, 60, 90}

// BucketLimits returns the inclusive upper bounds (days past due) of every
// bucket but the last, in the order of Buckets, for code that classifies in
// bulk (the store's totals run in SQL).
func BucketLimits() []int { return append([]int(nil), bucketBounds...) }

// BucketOf places an invoice by days past its due date (negative or zero:
// current).
func BucketOf(daysPastDue int) Bucket {
	for i, b := range bucketBounds {
		if daysPastDue <= b {
			return Buckets[i]
		}
	}
	return Buckets[len(Buckets)-1]
}

// Bounds gives the days past due a bucket covers, both inclusive: min is
// math.MinInt for the first bucket (anything not yet due), max math.MaxInt
// for the last. ok is false for an unknown name (a URL parameter).
func (b Bucket) Bounds() (min, max int, ok bool) {
	for i, x := range Buckets {
		if x != b {
			continue
		}
		min, max = math.MinInt, math.MaxInt
		if i > 0 {
			min = bucketBounds[i-1] + 1
		}
		if i < len(bucketBounds) {
			max = bucketBounds[i]
		}
		return min, max, true
	}
	return 0, 0, false
}
