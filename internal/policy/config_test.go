package policy

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
)

func defaultPolicy(t testing.TB) Policy {
	t.Helper()
	p, err := DefaultPolicy()
	if err != nil {
		t.Fatalf("DefaultPolicy: %v", err)
	}
	return p
}

func TestExampleConfigLoads(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "..", "config", "policy.example.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := Parse(f)
	if err != nil {
		t.Fatalf("Parse example: %v", err)
	}
	def := defaultPolicy(t)

	// The example documents the defaults: where it sets a value the defaults
	// also have, they must agree.
	if !reflect.DeepEqual(p.Ladders["standard"], def.Ladders["standard"]) {
		t.Errorf("example standard ladder differs from the default:\n%+v\n%+v", p.Ladders["standard"], def.Ladders["standard"])
	}
	if p.Window != def.Window || p.ReviewTime != def.ReviewTime || p.MinGap != def.MinGap ||
		p.PromiseGrace != def.PromiseGrace || p.InboundQuiet != def.InboundQuiet ||
		p.PaymentClaimCheck != def.PaymentClaimCheck || p.Location.String() != def.Location.String() {
		t.Errorf("example scalar settings differ from defaults")
	}
	if len(p.Penalties.ECBRates) != len(def.Penalties.ECBRates) {
		t.Errorf("example ECB table has %d rows, default %d", len(p.Penalties.ECBRates), len(def.Penalties.ECBRates))
	}
	for i := range p.Penalties.ECBRates {
		a, b := p.Penalties.ECBRates[i], def.Penalties.ECBRates[i]
		if a.From != b.From || !a.Rate.Equal(b.Rate) {
			t.Errorf("ECB row %d: example %v, default %v", i, a, b)
		}
	}
	if p.Penalties.ContractRate.Valid || p.Penalties.Imputation != PrincipalFirst || !p.Penalties.Indemnity.Equal(decimal.NewFromInt(40)) {
		t.Errorf("example penalties: %+v", p.Penalties)
	}
	if p.Calendar.IsBusinessDate(day(2026, 12, 24)) {
		t.Error("example closes 24 December 2026")
	}
	// The gentle ladder repeats its second reminder three times; no signal
	// pauses chasing.
	if r := p.Ladders["gentle"].Repeat; r != (Repeat{EveryDays: 15, Times: 3, Stage: 1}) {
		t.Errorf("gentle ladder repeat %+v", r)
	}
	if s, ok := p.Ladders["gentle"].Stage(5); !ok || s.Name != "second" || s.OffsetDays != 70 || s.RepeatOf != 2 {
		t.Errorf("gentle ladder's second repeat: %+v", s)
	}
	if len(p.PauseOnSignal) != 0 {
		t.Errorf("example pauses on signals %v", p.PauseOnSignal)
	}

	// Overrides by domain and by address.
	dupont := p.resolve(Client{ID: 1, Emails: []string{"Paul@Atelier-Dupont.example"}})
	if dupont.ladder == nil || dupont.ladder.Name != "gentle" {
		t.Errorf("domain override: ladder %v", dupont.ladder)
	}
	acme := p.resolve(Client{ID: 2, Emails: []string{"compta@acme.example"}, Language: "fr"})
	if acme.language != "en" || !reflect.DeepEqual(acme.to, []string{"accounts.payable@acme.example"}) ||
		!reflect.DeepEqual(acme.cc, []string{"ceo@acme.example"}) {
		t.Errorf("address override: %+v", acme)
	}
	if !p.resolve(Client{Emails: []string{"x@famille-martin.example"}}).b2c {
		t.Error("b2c override not applied")
	}
	if !p.resolve(Client{Emails: []string{"x@partner.example"}}).excluded {
		t.Error("exclusion not applied")
	}
}

func TestEmptyConfigIsDefault(t *testing.T) {
	p, err := ParseBytes([]byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	def := defaultPolicy(t)
	if !reflect.DeepEqual(p.Ladders, def.Ladders) || p.Window != def.Window || p.MinGap != 5 || p.PromiseGrace != 2 ||
		p.ReviewTime != (Clock{9, 0}) || p.Location.String() != "Europe/Paris" || p.DefaultLanguage != "fr" {
		t.Errorf("empty config is not the default policy")
	}
	if w := p.Window; !w.Days[time.Monday] || !w.Days[time.Friday] || w.Days[time.Saturday] || w.Start != (Clock{9, 0}) || w.End != (Clock{12, 0}) {
		t.Errorf("default window %+v", w)
	}
}

func TestPartialConfigKeepsOtherDefaults(t *testing.T) {
	p, err := ParseBytes([]byte(`{"send_window": {"days": ["mardi", "mercredi", "jeudi"], "end": "11:00"},
		"penalties": {"contract_rate": "15"}, "time_zone": "America/New_York", "min_gap_business_days": 0}`))
	if err != nil {
		t.Fatal(err)
	}
	if p.Window.Days[time.Monday] || !p.Window.Days[time.Tuesday] || p.Window.Start != (Clock{9, 0}) || p.Window.End != (Clock{11, 0}) {
		t.Errorf("window %+v", p.Window)
	}
	if !p.Penalties.ContractRate.Valid || !p.Penalties.ContractRate.Decimal.Equal(decimal.NewFromInt(15)) ||
		len(p.Penalties.ECBRates) == 0 || !p.Penalties.MarginPoints.Equal(decimal.NewFromInt(10)) {
		t.Errorf("penalties %+v", p.Penalties)
	}
	if p.Location.String() != "America/New_York" || p.MinGap != 0 {
		t.Errorf("zone %s, gap %d", p.Location, p.MinGap)
	}
}

func TestConfigErrorsNameTheField(t *testing.T) {
	tests := []struct {
		name string
		json string
		want []string // substrings of the error
	}{
		{"unknown top field", `{"timezone": "Europe/Paris"}`, []string{`unknown field "timezone"`}},
		{"unknown nested field", `{"ladders": {"a": {"stages": [{"name": "x", "kind": "message", "offset_days": 1, "ofset": 2}]}}}`, []string{`unknown field "ofset"`}},
		{"wrong type", `{"min_gap_business_days": "five"}`, []string{"min_gap_business_days", "line 1:"}},
		{"syntax error line", "{\n  \"review_time\": \"09:00\",\n  oops\n}", []string{"line 3:"}},
		{"trailing data", `{} {}`, []string{"unexpected data"}},
		{"bad zone", `{"time_zone": "Europe/Pariss"}`, []string{"time_zone", "Europe/Pariss"}},
		{"bad holidays", `{"holidays": "de"}`, []string{"holidays", `"de"`}},
		{"bad closed day", `{"closed_days": ["2026-12-24", "24/12/2026"]}`, []string{"closed_days[1]"}},
		{"bad review time", `{"review_time": "9h"}`, []string{"review_time"}},
		{"bad weekday", `{"send_window": {"days": ["mon", "funday"]}}`, []string{"send_window.days[1]", "funday"}},
		{"no weekday", `{"send_window": {"days": []}}`, []string{"send_window.days"}},
		{"weekend-only window", `{"send_window": {"days": ["sat", "sun"]}}`, []string{"send_window.days", "Monday to Friday"}},
		{"end before start", `{"send_window": {"start": "11:00", "end": "10:00"}}`, []string{"send_window.end"}},
		{"negative gap", `{"min_gap_business_days": -1}`, []string{"min_gap_business_days"}},
		{"bad language", `{"default_language": "de"}`, []string{"default_language"}},
		{"missing default ladder", `{"default_ladder": "nope"}`, []string{"default_ladder", "nope"}},
		{"stage offsets not increasing", `{"ladders": {"standard": {"stages": [
			{"name": "a", "kind": "message", "offset_days": 21}, {"name": "b", "kind": "message", "offset_days": 14}]}}}`,
			[]string{"ladders.standard.stages[1].offset_days", "(21)"}},
		{"stage bad kind", `{"ladders": {"standard": {"stages": [{"name": "a", "kind": "sms", "offset_days": 7}]}}}`,
			[]string{"ladders.standard.stages[0].kind"}},
		{"stage missing offset", `{"ladders": {"standard": {"stages": [{"name": "a", "kind": "message"}]}}}`,
			[]string{"ladders.standard.stages[0].offset_days", "required"}},
		{"stage duplicate name", `{"ladders": {"standard": {"stages": [{"name": "a", "kind": "message", "offset_days": 1},
			{"name": "a", "kind": "message", "offset_days": 2}]}}}`, []string{"ladders.standard.stages[1].name"}},
		{"pre-due call task", `{"ladders": {"standard": {"stages": [{"name": "a", "kind": "call_task", "offset_days": -2}]}}}`,
			[]string{"ladders.standard.stages[0].kind"}},
		{"empty ladder", `{"ladders": {"standard": {"stages": []}}}`, []string{"ladders.standard.stages"}},
		{"client unknown ladder", `{"clients": {"@x.example": {"ladder": "soft"}}}`, []string{"clients.@x.example.ladder"}},
		{"client bad address", `{"clients": {"c1": {"to": ["not an address"]}}}`, []string{"clients.c1.to[0]"}},
		{"client duplicate key", `{"clients": {"A@x.example": {}, "a@x.example": {}}}`, []string{"duplicate client key"}},
		{"bad ecb date", `{"penalties": {"ecb_rates": [{"from": "2026-13-01", "rate": "2"}]}}`, []string{"penalties.ecb_rates[0].from"}},
		{"bad ecb rate", `{"penalties": {"ecb_rates": [{"from": "2026-01-01", "rate": "two"}]}}`, []string{"penalties.ecb_rates[0].rate"}},
		{"duplicate ecb date", `{"penalties": {"ecb_rates": [{"from": "2026-01-01", "rate": "2"}, {"from": "2026-01-01", "rate": "3"}]}}`,
			[]string{"penalties.ecb_rates", "2026-01-01"}},
		{"no rates", `{"penalties": {"ecb_rates": []}}`, []string{"penalties.ecb_rates"}},
		{"bad imputation", `{"penalties": {"imputation": "whatever"}}`, []string{"penalties.imputation"}},
		{"negative indemnity", `{"penalties": {"indemnity": "-40"}}`, []string{"penalties.indemnity"}},
		{"bad contract rate", `{"penalties": {"contract_rate": "150"}}`, []string{"penalties.contract_rate"}},
		{"several errors at once", `{"review_time": "x", "holidays": "y"}`, []string{"review_time", "holidays"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseBytes([]byte(tt.json))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if !strings.HasPrefix(err.Error(), "policy: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
		})
	}
}

func TestFieldErrorIsInspectable(t *testing.T) {
	_, err := ParseBytes([]byte(`{"review_time": "noon"}`))
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "review_time" {
		t.Fatalf("errors.As FieldError: %v", err)
	}
}

func TestParseMode(t *testing.T) {
	for in, want := range map[string]domain.Mode{"": domain.ModeReview, "review": domain.ModeReview, "auto": domain.ModeAuto, "dry-run": domain.ModeDryRun} {
		if got, err := ParseMode(in); err != nil || got != want {
			t.Errorf("ParseMode(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseMode("yolo"); err == nil {
		t.Error("ParseMode accepted yolo")
	}
}
