package deploytest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

type dashboard struct {
	UID           string `json:"uid"`
	Title         string `json:"title"`
	SchemaVersion int    `json:"schemaVersion"`
	Time          struct {
		From string `json:"from"`
	} `json:"time"`
	Panels []struct {
		ID         int            `json:"id"`
		Type       string         `json:"type"`
		Title      string         `json:"title"`
		Datasource map[string]any `json:"datasource"`
		GridPos    *struct {
			X, Y, W, H int
		} `json:"gridPos"`
		Targets []struct {
			RefID string `json:"refId"`
			Expr  string `json:"expr"`
		} `json:"targets"`
		FieldConfig struct {
			Defaults struct {
				Unit string `json:"unit"`
			} `json:"defaults"`
		} `json:"fieldConfig"`
	} `json:"panels"`
	Templating struct {
		List []struct {
			Name  string `json:"name"`
			Type  string `json:"type"`
			Query any    `json:"query"`
		} `json:"list"`
	} `json:"templating"`
}

func loadDashboard(t *testing.T) dashboard {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(deployDir(t), "grafana", "relance.json"))
	if err != nil {
		t.Fatal(err)
	}
	var d dashboard
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("grafana/relance.json: %v", err)
	}
	return d
}

func TestDashboardSchema(t *testing.T) {
	d := loadDashboard(t)
	if d.UID == "" || len(d.UID) > 40 || d.Title == "" || d.SchemaVersion < 36 {
		t.Errorf("uid %q, title %q, schemaVersion %d", d.UID, d.Title, d.SchemaVersion)
	}
	var dsVar string
	for _, v := range d.Templating.List {
		if v.Type == "datasource" && v.Query == "prometheus" {
			dsVar = v.Name
		}
	}
	if dsVar == "" {
		t.Fatal("no Prometheus datasource template variable")
	}
	ids := map[int]bool{}
	queries := 0
	for _, p := range d.Panels {
		if p.ID == 0 || ids[p.ID] {
			t.Errorf("panel %q: id %d missing or repeated", p.Title, p.ID)
		}
		ids[p.ID] = true
		if p.GridPos == nil || p.GridPos.W == 0 || p.GridPos.H == 0 || p.Type == "" || p.Title == "" {
			t.Errorf("panel %d %q: type, title or gridPos missing", p.ID, p.Title)
		}
		if p.Type == "row" {
			continue
		}
		if uid, _ := p.Datasource["uid"].(string); uid != "${"+dsVar+"}" {
			t.Errorf("panel %q does not use the datasource variable: %v", p.Title, p.Datasource)
		}
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, tg := range p.Targets {
			if tg.RefID == "" || strings.TrimSpace(tg.Expr) == "" {
				t.Errorf("panel %q: empty query or refId", p.Title)
			}
			queries++
		}
	}
	if queries == 0 {
		t.Fatal("no query in the dashboard")
	}
	// What the dashboard must show.
	var titles []string
	for _, p := range d.Panels {
		titles = append(titles, strings.ToLower(p.Title))
	}
	all := strings.Join(titles, "|")
	for _, want := range []string{"overdue by age bucket", "trend", "dso", "drafts awaiting review", "open flags", "promises", "imap connected", "since last sync",
		"top debtors", "overdue trend, 12 weeks"} {
		if !strings.Contains(all, want) {
			t.Errorf("no panel about %q", want)
		}
	}
}

// Money reads as money, over a quarter: every panel that shows an amount
// has a currency unit, the default range is the 90 days the overview's
// DSO looks at, and the 12-week trend and the top debtors come from the
// metrics that rebuild them from the invoices' dates.
func TestDashboardMoneyAndRange(t *testing.T) {
	d := loadDashboard(t)
	if d.Time.From != "now-90d" {
		t.Errorf("default range from %q, want now-90d", d.Time.From)
	}
	reads := map[string]bool{}
	for _, p := range d.Panels {
		money := false
		for _, tg := range p.Targets {
			if strings.Contains(tg.Expr, "_amount") {
				money = true
			}
			for _, m := range []string{"relance_overdue_weekly_amount", "relance_top_debtor_overdue_amount", "relance_top_debtor_outstanding_amount"} {
				if strings.Contains(tg.Expr, m) {
					reads[m+"|"+strings.ToLower(p.Title)] = true
				}
			}
		}
		if money && !strings.HasPrefix(p.FieldConfig.Defaults.Unit, "currency") {
			t.Errorf("panel %q shows amounts with unit %q, want a currency unit", p.Title, p.FieldConfig.Defaults.Unit)
		}
	}
	for _, want := range []string{"relance_overdue_weekly_amount|overdue trend, 12 weeks (from the invoices' dates)",
		"relance_top_debtor_overdue_amount|top debtors", "relance_top_debtor_outstanding_amount|top debtors"} {
		if !reads[want] {
			t.Errorf("no panel %q reading %s", strings.Split(want, "|")[1], strings.Split(want, "|")[0])
		}
	}
}

func TestAlertRules(t *testing.T) {
	promtool := tool(t, "promtool")
	dir := filepath.Join(deployDir(t), "prometheus")
	for _, args := range [][]string{{"check", "rules", "alerts.yml"}, {"test", "rules", "alerts_test.yml"}, {"test", "rules", "alerts_money_test.yml"}, {"check", "config", "prometheus.yml"}} {
		cmd := exec.Command(promtool, args...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			// prometheus.yml names a token file that exists only in the
			// container; any other failure is real.
			if args[1] == "config" && strings.Contains(string(out), "relance-token") {
				continue
			}
			t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

// yamlDocs decodes every document of a YAML file.
func yamlDocs(t *testing.T, path string) []map[string]any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := yaml.NewDecoder(f)
	var docs []map[string]any
	for {
		var doc map[string]any
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return docs
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if doc != nil {
			docs = append(docs, doc)
		}
	}
}

// dig walks nested maps and lists: dig(doc, "spec", "template", 0).
func dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func TestEveryYAMLParses(t *testing.T) {
	err := filepath.WalkDir(deployDir(t), func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")) {
			if len(yamlDocs(t, path)) == 0 {
				t.Errorf("%s: empty", path)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestKubernetesManifests(t *testing.T) {
	dir := filepath.Join(deployDir(t), "kubernetes")
	byKind := map[string]map[string]any{}
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests: %v", err)
	}
	for _, f := range files {
		for _, doc := range yamlDocs(t, f) {
			kind, _ := doc["kind"].(string)
			if doc["apiVersion"] == nil || kind == "" {
				t.Errorf("%s: apiVersion or kind missing", f)
				continue
			}
			if kind == "Kustomization" {
				for _, r := range doc["resources"].([]any) {
					if _, err := os.Stat(filepath.Join(dir, r.(string))); err != nil {
						t.Errorf("kustomization: %v", err)
					}
					if r == "servicemonitor.yaml" {
						t.Error("the ServiceMonitor is optional: it must not be in the kustomization")
					}
				}
				continue
			}
			if name, _ := dig(doc, "metadata", "name").(string); name == "" {
				t.Errorf("%s: %s without metadata.name", f, kind)
			}
			if kind == "ServiceMonitor" && filepath.Base(f) != "servicemonitor.yaml" {
				t.Errorf("the ServiceMonitor belongs in its own file, not %s", f)
			}
			byKind[kind] = doc
		}
	}
	for _, k := range []string{"Deployment", "Service", "Secret", "PersistentVolumeClaim", "ServiceMonitor"} {
		if byKind[k] == nil {
			t.Fatalf("no %s", k)
		}
	}
	dep := byKind["Deployment"]
	if r := dig(dep, "spec", "replicas"); r != 1 {
		t.Errorf("replicas %v, want 1", r)
	}
	if s := dig(dep, "spec", "strategy", "type"); s != "Recreate" {
		t.Errorf("strategy %v, want Recreate", s)
	}
	pod := dig(dep, "spec", "template", "spec")
	if dig(pod, "securityContext", "runAsNonRoot") != true {
		t.Error("pod securityContext.runAsNonRoot is not true")
	}
	c := dig(pod, "containers", 0)
	if dig(c, "securityContext", "readOnlyRootFilesystem") != true || dig(c, "securityContext", "allowPrivilegeEscalation") != false {
		t.Error("container securityContext: readOnlyRootFilesystem must be true and allowPrivilegeEscalation false")
	}
	if dig(c, "livenessProbe", "httpGet", "path") != "/healthz" || dig(c, "readinessProbe", "httpGet", "path") != "/readyz" {
		t.Error("probes must be /healthz (liveness) and /readyz (readiness)")
	}
	// Volumes: the PVC holds the database, the Secret is mounted and every
	// RELANCE_*_FILE points into it.
	mounts := map[string]string{}
	for _, m := range dig(c, "volumeMounts").([]any) {
		mounts[dig(m, "name").(string)] = dig(m, "mountPath").(string)
	}
	var secretMount, dataMount string
	for _, v := range dig(pod, "volumes").([]any) {
		name := dig(v, "name").(string)
		if dig(v, "persistentVolumeClaim", "claimName") == dig(byKind["PersistentVolumeClaim"], "metadata", "name") {
			dataMount = mounts[name]
		}
		if dig(v, "secret", "secretName") == dig(byKind["Secret"], "metadata", "name") {
			secretMount = mounts[name]
		}
	}
	if dataMount == "" || secretMount == "" {
		t.Fatalf("the PVC and the Secret must both be mounted (data %q, secret %q)", dataMount, secretMount)
	}
	env := map[string]string{}
	for _, e := range dig(c, "env").([]any) {
		if dig(e, "valueFrom") != nil && strings.Contains(dig(e, "name").(string), "PASSWORD") {
			t.Errorf("%v: credentials go through *_FILE, not environment values", dig(e, "name"))
		}
		v, _ := dig(e, "value").(string)
		env[dig(e, "name").(string)] = v
	}
	fileVars := 0
	for k, v := range env {
		if strings.HasSuffix(k, "_FILE") {
			fileVars++
			if !strings.HasPrefix(v, secretMount+"/") {
				t.Errorf("%s=%s is not in the Secret mount %s", k, v, secretMount)
			}
			key := strings.TrimPrefix(v, secretMount+"/")
			if dig(byKind["Secret"], "stringData", key) == nil && dig(byKind["Secret"], "data", key) == nil {
				t.Errorf("%s names key %q, absent from the Secret", k, key)
			}
		}
		if strings.Contains(k, "PASSWORD") && !strings.HasSuffix(k, "_FILE") {
			t.Errorf("%s given in clear; use %s_FILE", k, k)
		}
	}
	if fileVars == 0 {
		t.Error("no RELANCE_*_FILE variable")
	}
	if !strings.HasPrefix(env["RELANCE_DB"], dataMount+"/") {
		t.Errorf("RELANCE_DB=%s is not on the PVC mounted at %s", env["RELANCE_DB"], dataMount)
	}
	labels := dig(dep, "spec", "template", "metadata", "labels").(map[string]any)
	for k, v := range dig(byKind["Service"], "spec", "selector").(map[string]any) {
		if labels[k] != v {
			t.Errorf("the Service selects %s=%v, which the pod does not carry", k, v)
		}
	}
}

func TestCompose(t *testing.T) {
	dir := deployDir(t)
	docs := yamlDocs(t, filepath.Join(dir, "compose.yaml"))
	services, _ := dig(docs[0], "services").(map[string]any)
	for _, s := range []string{"relance", "prometheus", "grafana"} {
		if services[s] == nil {
			t.Errorf("compose.yaml: no %s service", s)
		}
	}
	// Every file bind-mounted from the repository exists.
	for name, svc := range services {
		vols, _ := dig(svc, "volumes").([]any)
		for _, v := range vols {
			src, _, _ := strings.Cut(v.(string), ":")
			if !strings.HasPrefix(src, "./") || strings.HasPrefix(src, "./secrets/") {
				continue
			}
			if _, err := os.Stat(filepath.Join(dir, src)); err != nil {
				t.Errorf("%s mounts %s: %v", name, src, err)
			}
		}
	}
	if dig(services, "relance", "read_only") != true {
		t.Error("relance should run with a read-only root file system")
	}
	for _, p := range []string{"grafana/provisioning/datasources/prometheus.yaml", "grafana/provisioning/dashboards/relance.yaml"} {
		if len(yamlDocs(t, filepath.Join(dir, p))) == 0 {
			t.Errorf("%s is empty", p)
		}
	}
}

func TestSystemdUnit(t *testing.T) {
	path := filepath.Join(deployDir(t), "systemd", "relance.service")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	unit := string(b)
	for _, want := range []string{"DynamicUser=yes", "StateDirectory=relance", "ProtectSystem=strict", "NoNewPrivileges=yes",
		"PrivateTmp=yes", "ProtectHome=yes", "RestrictAddressFamilies=", "SystemCallFilter=@system-service",
		"CapabilityBoundingSet=\n", "EnvironmentFile=", "ExecStart=/usr/local/bin/relance run"} {
		if !strings.Contains(unit, want) {
			t.Errorf("relance.service lacks %q", strings.TrimSpace(want))
		}
	}
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze not installed")
	}
	// verify insists that ExecStart exists: check a copy pointing at a
	// binary every system has, so the rest of the unit is what is judged.
	tmp := filepath.Join(t.TempDir(), "relance.service")
	copyUnit := strings.Replace(unit, "ExecStart=/usr/local/bin/relance run", "ExecStart=/bin/true run", 1)
	if err := os.WriteFile(tmp, []byte(copyUnit), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(analyze, "verify", tmp).CombinedOutput()
	if err != nil || bytes.Contains(out, []byte("relance.service")) {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}
