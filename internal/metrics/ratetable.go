package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/relance/relance/internal/policy"
)

// rateTableCollector exports the age of the ECB rate table at scrape time.
// With a contract rate the table is not used and nothing is exported.
type rateTableCollector struct {
	pp        policy.PenaltyPolicy
	now       func() time.Time
	loc       *time.Location
	checked   *prometheus.Desc
	outOfDate *prometheus.Desc
}

// WatchRateTable exports the ECB rate table's age and status
// (penalties.ecb_rates_checked_on of the policy): its check date as a
// timestamp (age = time() - it) and whether the half-year in force began
// after it.
func (m *Metrics) WatchRateTable(pp policy.PenaltyPolicy) {
	now, loc := m.now, m.loc
	if now == nil {
		now = time.Now
	}
	if loc == nil {
		loc = time.UTC
	}
	m.reg.MustRegister(&rateTableCollector{pp: pp, now: now, loc: loc,
		checked: prometheus.NewDesc("relance_ecb_rates_checked_timestamp_seconds",
			"Unix time of the day the ECB rate table of the policy was last checked (penalties.ecb_rates_checked_on, midnight in the business's time zone); its age is time() minus this. Absent with a contract rate or without a check date.",
			nil, nil),
		outOfDate: prometheus.NewDesc("relance_ecb_rates_out_of_date",
			"1 when the half-year in force (whose ECB rate L441-10 penalties use) began after the rate table was last checked: extend penalties.ecb_rates and set ecb_rates_checked_on. Absent with a contract rate.",
			nil, nil),
	})
}

func (c *rateTableCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.checked
	ch <- c.outOfDate
}

func (c *rateTableCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.pp.RateTableStatus(policy.DateIn(c.now(), c.loc))
	if !s.Used {
		return
	}
	if !s.CheckedOn.IsZero() {
		ch <- prometheus.MustNewConstMetric(c.checked, prometheus.GaugeValue, float64(s.CheckedOn.At(c.loc, 0, 0).Unix()))
	}
	v := 0.0
	if s.OutOfDate {
		v = 1
	}
	ch <- prometheus.MustNewConstMetric(c.outOfDate, prometheus.GaugeValue, v)
}
