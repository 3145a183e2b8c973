package policy

import "fmt"

// RateTableStatus says how current the ECB rate table of the policy file
// (penalties.ecb_rates, checked on penalties.ecb_rates_checked_on) is on a
// given day. The web page, relance check-config and the metrics show it.
type RateTableStatus struct {
	// Used is false when a contract_rate replaces the ECB rate: the table
	// then plays no part and the rest is empty.
	Used bool
	// CheckedOn is when the owner last checked the table (zero: not said).
	CheckedOn Date
	// AgeDays is the number of days from CheckedOn to the day asked about.
	AgeDays int
	// HalfYear is the first day of the half-year in force (1 January or
	// 1 July), whose ECB rate L441-10 penalties use.
	HalfYear Date
	// OutOfDate: the half-year in force began after the table was checked,
	// so a rate change may be missing; penalties then use the last rate
	// known and say so.
	OutOfDate bool
}

// RateTableStatus returns the table's status on today.
func (pp PenaltyPolicy) RateTableStatus(today Date) RateTableStatus {
	if pp.ContractRate.Valid {
		return RateTableStatus{}
	}
	h, _ := halfYear(today)
	s := RateTableStatus{Used: true, CheckedOn: pp.ECBRatesCheckedOn, HalfYear: h}
	if !s.CheckedOn.IsZero() {
		s.AgeDays = today.DaysSince(s.CheckedOn)
		s.OutOfDate = pp.staleWarning(h) != ""
	}
	return s
}

// String describes the status in English for logs and relance check-config.
func (s RateTableStatus) String() string {
	switch {
	case !s.Used:
		return "not used (penalties.contract_rate is set)"
	case s.CheckedOn.IsZero():
		return "checked on an unknown date (set penalties.ecb_rates_checked_on)"
	case s.OutOfDate:
		return fmt.Sprintf("OUT OF DATE: last checked on %s (%d days ago), before the half-year starting %s: check the ECB main refinancing rate, extend penalties.ecb_rates and set penalties.ecb_rates_checked_on",
			s.CheckedOn, s.AgeDays, s.HalfYear)
	}
	return fmt.Sprintf("checked on %s (%d days ago), up to date for the half-year starting %s", s.CheckedOn, s.AgeDays, s.HalfYear)
}
