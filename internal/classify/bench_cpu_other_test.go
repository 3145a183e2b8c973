//go:build !unix

package classify

import "time"

// cpuTime is unknown here: the benchmark reports wall-clock rates only.
func cpuTime() time.Duration { return 0 }
