package config

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// envSettingTests names, for every RELANCE_ variable, the tests that show
// its effect, as "directory:TestName" from the repository's root. The
// policy file's settings have their own table (policy.TestPolicySettingsEffect).
var envSettingTests = map[string][]string{
	"RELANCE_IMAP_ADDR":          {"internal/testing/e2e:TestRunOnceDiscoversInvoices", "internal/config:TestValidationNamesTheVariable"},
	"RELANCE_IMAP_USERNAME":      {"internal/testing/e2e:TestRunOnceDiscoversInvoices", "internal/config:TestValidConfigAndDefaults"},
	"RELANCE_IMAP_PASSWORD":      {"internal/testing/e2e:TestRunOnceDiscoversInvoices", "internal/config:TestValidConfigAndDefaults"},
	"RELANCE_IMAP_PASSWORD_FILE": {"internal/config:TestSecretFiles"},
	"RELANCE_IMAP_AUTH":          {"internal/config:TestSMTPAuthSetups", "internal/mailbox:TestXOAuth2TokenReadPerConnect"},
	"RELANCE_IMAP_TOKEN_FILE":    {"internal/mailbox:TestXOAuth2TokenReadPerConnect", "internal/testing/e2e:TestSMTPXOAuth2WithTheIMAPToken"},
	"RELANCE_IMAP_TLS":           {"internal/mailbox:TestTLSDovecot", "internal/testing/soak:TestTLSRequiredToRemoteServers"},
	"RELANCE_IMAP_INSECURE":      {"internal/config:TestPlaintextNeedsInsecure", "internal/testing/soak:TestTLSRequiredToRemoteServers"},
	"RELANCE_IMAP_SENT_FOLDER":   {"internal/testing/e2e:TestFolderSettings"},
	"RELANCE_IMAP_DRAFTS_FOLDER": {"internal/testing/e2e:TestFolderSettings"},
	"RELANCE_IMAP_EXTRA_FOLDERS": {"internal/testing/e2e:TestFolderSettings"},
	"RELANCE_IMAP_POLL_INTERVAL": {"internal/mailbox:TestPollIntervalWithoutIdle"},
	"RELANCE_SMTP_ADDR":          {"internal/testing/e2e:TestSMTPTemporaryFailureRetried", "internal/config:TestDryRunNeedsNoSMTP"},
	"RELANCE_SMTP_USERNAME":      {"internal/testing/e2e:TestSMTPLoginRefusedStopsSendingOnce", "internal/config:TestValidConfigAndDefaults"},
	"RELANCE_SMTP_PASSWORD":      {"internal/testing/e2e:TestSMTPLoginRefusedStopsSendingOnce", "internal/config:TestValidConfigAndDefaults"},
	"RELANCE_SMTP_PASSWORD_FILE": {"internal/config:TestSMTPPasswordFile"},
	"RELANCE_SMTP_AUTH":          {"internal/outbox:TestSMTPAuthModes", "internal/testing/e2e:TestSMTPRelayWithoutAuth", "internal/testing/e2e:TestSMTPXOAuth2WithTheIMAPToken"},
	"RELANCE_SMTP_TLS":           {"internal/testing/soak:TestTLSRequiredToRemoteServers", "internal/config:TestPlaintextNeedsInsecure"},
	"RELANCE_SMTP_INSECURE":      {"internal/config:TestPlaintextNeedsInsecure"},
	"RELANCE_SAVE_SENT":          {"internal/testing/e2e:TestSaveSentSetting"},
	"RELANCE_ATTACH_INVOICE":     {"internal/testing/e2e:TestReminderCarriesTheInvoicePDF"},
	"RELANCE_FROM":               {"internal/testing/e2e:TestModeSetting"},
	"RELANCE_NOTIFY_TO":          {"internal/testing/e2e:TestDailyDigest"},
	"RELANCE_BUSINESS_NAME":      {"internal/app:TestBusinessSettings"},
	"RELANCE_BUSINESS_ADDRESS":   {"internal/app:TestBusinessSettings"},
	"RELANCE_BUSINESS_PHONE":     {"internal/app:TestBusinessSettings"},
	"RELANCE_BUSINESS_SIREN":     {"internal/app:TestBusinessSettings"},
	"RELANCE_BUSINESS_IBAN":      {"internal/app:TestBusinessSettings"},
	"RELANCE_BUSINESS_BIC":       {"internal/app:TestBusinessSettings"},
	"RELANCE_SIGNATURE_NAME":     {"internal/app:TestBusinessSettings"},
	"RELANCE_BUSINESS_VAT":       {"internal/app:TestBusinessVATTellsOurInvoices", "internal/invoice:TestOwnership"},
	"RELANCE_MODE":               {"internal/testing/e2e:TestModeSetting"},
	"RELANCE_TIMEZONE":           {"internal/cli:TestCLITimesInTheBusinessZone", "internal/app:TestPolicyFileAndTimezone"},
	"RELANCE_POLICY_FILE":        {"internal/app:TestPolicyFileAndTimezone", "internal/cli:TestCheckConfigShowsRateTable"},
	"RELANCE_PAYMENTS_CONFIG":    {"internal/testing/e2e:TestBankNoticeStopsHeldReminder"},
	"RELANCE_THANK_YOU":          {"internal/testing/e2e:TestThankYouSetting"},
	"RELANCE_SELF_CHECK":         {"internal/testing/e2e:TestSelfCheckHoldsTheFirstReminder"},
	"RELANCE_PASS_INTERVAL":      {"internal/app:TestPassIntervalPacesPasses"},
	"RELANCE_REPLICA_ID":         {"internal/testing/e2e:TestReplicasFailover"},
	"RELANCE_MAILBOXES_FILE":     {"internal/testing/e2e:TestManyMailboxesFromOneFile", "internal/config:TestLoadFleetFromTheExample"},
	"RELANCE_DB":                 {"internal/cli:TestDemoHonoursEnvironment", "internal/testing/e2e:TestRunOnceDiscoversInvoices", "internal/config:TestDBURLPasswordNeverPrinted", "internal/store:TestPostgresURLOpensPostgres"},
	"RELANCE_HTTP_ADDR":          {"internal/cli:TestDemoHonoursEnvironment", "internal/web:TestNonLoopbackWithoutTokenRefusesToStart"},
	"RELANCE_HTTP_TOKEN":         {"internal/web:TestTokenRequiresLogin", "internal/cli:TestDemoHonoursEnvironment"},
	"RELANCE_HTTP_TOKEN_FILE":    {"internal/config:TestSecretFiles", "internal/cli:TestDemoListen"},
	"RELANCE_LOG_FORMAT":         {"internal/config:TestLogSettings"},
	"RELANCE_LOG_LEVEL":          {"internal/config:TestLogSettings"},
}

var envExampleVar = regexp.MustCompile(`(?m)^#?(RELANCE_[A-Z0-9_]+)=`)

// A variable cannot be added without a test of its effect: every variable
// of config/relance.env.example, of the configuration (KnownVars, with the
// _FILE form of each secret) and of README's configuration section has an
// entry in envSettingTests naming tests that exist; README names no
// variable relance does not read.
func TestEveryEnvSettingHasATest(t *testing.T) {
	root := filepath.Join("..", "..")
	settings := map[string]string{} // variable → where it is documented
	b, err := os.ReadFile(filepath.Join(root, "config", "relance.env.example"))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range envExampleVar.FindAllStringSubmatch(string(b), -1) {
		settings[m[1]] = "config/relance.env.example"
	}
	known := map[string]bool{}
	for _, v := range KnownVars() {
		known[v] = true
		if _, ok := settings[v]; !ok {
			settings[v] = "the configuration"
		}
	}
	for _, f := range fields() {
		if f.secret {
			known[Prefix+"_"+f.name+"_FILE"] = true
		}
	}
	for v := range settings {
		if !known[v] {
			t.Errorf("config/relance.env.example documents %s, which relance does not read", v)
		}
	}
	for _, v := range readmeVars(t, filepath.Join(root, "README.md")) {
		if !known[v] {
			t.Errorf("README's configuration section names %s, which relance does not read", v)
		}
	}
	if len(settings) < 35 {
		t.Fatalf("found only %d variables: the lookup is broken", len(settings))
	}
	tests := map[string]map[string]bool{} // directory → test names
	names := make([]string, 0, len(settings))
	for v := range settings {
		names = append(names, v)
	}
	sort.Strings(names)
	for _, v := range names {
		refs := envSettingTests[v]
		if len(refs) == 0 {
			t.Errorf("%s (%s) has no test of its effect in envSettingTests", v, settings[v])
		}
		for _, ref := range refs {
			dir, name, ok := strings.Cut(ref, ":")
			if !ok {
				t.Errorf("%s: %q is not directory:TestName", v, ref)
				continue
			}
			if tests[dir] == nil {
				tests[dir] = testNames(t, filepath.Join(root, dir))
			}
			if !tests[dir][name] {
				t.Errorf("%s: no test %s in %s", v, name, dir)
			}
		}
	}
	for v := range envSettingTests {
		if _, ok := settings[v]; !ok {
			t.Errorf("envSettingTests names %s, which is not a setting", v)
		}
	}
}

var testFunc = regexp.MustCompile(`(?m)^func (Test\w+)\(t \*testing\.T\)`)

// testNames lists the test functions of a directory's _test.go files.
func testNames(t *testing.T, dir string) map[string]bool {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no test files in %s: %v", dir, err)
	}
	out := map[string]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range testFunc.FindAllStringSubmatch(string(b), -1) {
			out[m[1]] = true
		}
	}
	return out
}

var readmeName = regexp.MustCompile("`([A-Z][A-Z0-9_]{2,})(?:\\(_FILE\\))?(?:=[^`]*)?`")

// readmeVars returns the variables named in README's "## Configuration"
// section (written without the RELANCE_ prefix), with the prefix.
func readmeVars(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	start := strings.Index(s, "\n## Configuration")
	if start < 0 {
		t.Fatal("README has no Configuration section")
	}
	section := s[start+1:]
	if end := strings.Index(section, "\n## "); end >= 0 {
		section = section[:end]
	}
	var out []string
	for _, m := range readmeName.FindAllStringSubmatch(section, -1) {
		name := m[1]
		if strings.HasSuffix(name, "_") { // the prefix itself
			continue
		}
		if !strings.HasPrefix(name, Prefix+"_") {
			name = Prefix + "_" + name
		}
		out = append(out, name)
	}
	if len(out) < 20 {
		t.Fatalf("README's configuration section names only %d variables: the lookup is broken", len(out))
	}
	return out
}
