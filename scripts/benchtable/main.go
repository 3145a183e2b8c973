// Command benchtable turns `go test -bench` output (read from stdin, run with
// -count N) into a Markdown table of medians per benchmark and metric.
package main

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
)

type key struct{ pkg, name string }

func main() {
	samples := map[key]map[string][]float64{}
	var order []key
	pkg := ""
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "pkg: ") {
			pkg = strings.TrimPrefix(line, "pkg: ")
			continue
		}
		if !strings.HasPrefix(line, "Benchmark") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 {
			continue
		}
		k := key{pkg, f[0]}
		if samples[k] == nil {
			samples[k] = map[string][]float64{}
			order = append(order, k)
		}
		// f[1] is the iteration count; then value/unit pairs.
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			samples[k][f[i+1]] = append(samples[k][f[i+1]], v)
		}
	}
	fmt.Println("| package | benchmark | runs | median |")
	fmt.Println("|---|---|---|---|")
	for _, k := range order {
		units := make([]string, 0, len(samples[k]))
		for u := range samples[k] {
			units = append(units, u)
		}
		sort.Strings(units)
		var parts []string
		runs := 0
		for _, u := range units {
			vs := samples[k][u]
			runs = len(vs)
			parts = append(parts, fmt.Sprintf("%s %s", format(median(vs)), u))
		}
		fmt.Printf("| %s | %s | %d | %s |\n", strings.TrimPrefix(k.pkg, "github.com/relance/relance/"), k.name, runs, strings.Join(parts, " · "))
	}
}

func median(vs []float64) float64 {
	s := append([]float64(nil), vs...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func format(v float64) string {
	switch {
	case v >= 1e6:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case v >= 100:
		return strconv.FormatFloat(v, 'f', 1, 64)
	default:
		return strconv.FormatFloat(v, 'g', 4, 64)
	}
}
