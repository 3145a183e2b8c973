//go:build race

package soak

// raceFactor widens memory and time bounds: the race detector roughly
// doubles allocations and multiplies run time.
const raceFactor = 3
