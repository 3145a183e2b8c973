//go:build !race

package soak

// raceFactor widens memory and time bounds under the race detector.
const raceFactor = 1
