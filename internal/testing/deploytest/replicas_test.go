package deploytest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relance/relance/internal/config"
)

// checkMailboxesJSON loads a mailboxes file as relance does, its secret
// files stood in for by temporary ones, and returns its names.
func checkMailboxesJSON(t *testing.T, where string, doc []byte) []string {
	t.Helper()
	dir := t.TempDir()
	var parsed struct {
		Mailboxes []map[string]any `json:"mailboxes"`
	}
	if err := json.Unmarshal(doc, &parsed); err != nil {
		t.Fatalf("%s: %v", where, err)
	}
	for _, m := range parsed.Mailboxes {
		for k, v := range m {
			if strings.HasSuffix(k, "_FILE") {
				f := filepath.Join(dir, filepath.Base(v.(string)))
				if err := os.WriteFile(f, []byte("secret"), 0o600); err != nil {
					t.Fatal(err)
				}
				m[k] = f
			}
		}
	}
	b, _ := json.Marshal(parsed)
	path := filepath.Join(dir, "mailboxes.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"RELANCE_IMAP_ADDR": "imap.example.com:993", "RELANCE_SMTP_ADDR": "smtp.example.com:587",
		"RELANCE_DB": "postgres://relance@db:5432/relance"} {
		t.Setenv(k, v)
	}
	mailboxes, err := config.LoadMailboxes(path, config.Overrides{})
	if err != nil {
		t.Fatalf("%s does not load: %v", where, err)
	}
	var names []string
	for _, m := range mailboxes {
		names = append(names, m.Name)
	}
	return names
}

// The replicas' manifests: N replicas of one Deployment without a volume
// (the state is in PostgreSQL), replaced one at a time and covered by a
// PodDisruptionBudget; the database URL comes from the Secret, each pod's
// name is its replica id, and the mailboxes file is a ConfigMap that loads.
func TestKubernetesReplicas(t *testing.T) {
	dir := filepath.Join(deployDir(t), "kubernetes", "replicas")
	byKind := map[string]map[string]any{}
	for _, doc := range yamlDocs(t, filepath.Join(dir, "kustomization.yaml")) {
		for _, r := range doc["resources"].([]any) {
			for _, d := range yamlDocs(t, filepath.Join(dir, r.(string))) {
				byKind[d["kind"].(string)] = d
			}
		}
	}
	for _, k := range []string{"Deployment", "PodDisruptionBudget", "Secret", "ConfigMap", "Service"} {
		if byKind[k] == nil {
			t.Fatalf("no %s in the kustomization", k)
		}
	}
	dep := byKind["Deployment"]
	if r, _ := dig(dep, "spec", "replicas").(int); r < 2 {
		t.Errorf("replicas %v, want several", dig(dep, "spec", "replicas"))
	}
	if dig(dep, "spec", "strategy", "type") != "RollingUpdate" {
		t.Error("replicas are replaced one at a time (RollingUpdate)")
	}
	labels := dig(dep, "spec", "template", "metadata", "labels").(map[string]any)
	for _, sel := range []any{dig(byKind["PodDisruptionBudget"], "spec", "selector", "matchLabels"), dig(byKind["Service"], "spec", "selector")} {
		for k, v := range sel.(map[string]any) {
			if labels[k] != v {
				t.Errorf("a selector asks %s=%v, which the pods do not carry", k, v)
			}
		}
	}
	pod := dig(dep, "spec", "template", "spec")
	if dig(pod, "volumes") == nil {
		t.Fatal("no volumes")
	}
	for _, v := range dig(pod, "volumes").([]any) {
		if dig(v, "persistentVolumeClaim") != nil {
			t.Error("a replica keeps no state of its own: no PersistentVolumeClaim")
		}
	}
	c := dig(pod, "containers", 0)
	env := map[string]any{}
	for _, e := range dig(c, "env").([]any) {
		env[dig(e, "name").(string)] = e
	}
	if dig(env["RELANCE_DB"], "valueFrom", "secretKeyRef", "name") != dig(byKind["Secret"], "metadata", "name") {
		t.Error("RELANCE_DB (which holds the database password) must come from the Secret")
	}
	if dig(env["RELANCE_REPLICA_ID"], "valueFrom", "fieldRef", "fieldPath") != "metadata.name" {
		t.Error("RELANCE_REPLICA_ID should be the pod's name")
	}
	file, _ := dig(env["RELANCE_MAILBOXES_FILE"], "value").(string)
	key := filepath.Base(file)
	doc, _ := dig(byKind["ConfigMap"], "data", key).(string)
	if doc == "" {
		t.Fatalf("RELANCE_MAILBOXES_FILE=%s: no key %s in the ConfigMap", file, key)
	}
	if names := checkMailboxesJSON(t, "the ConfigMap's "+key, []byte(doc)); len(names) < 2 {
		t.Errorf("mailboxes %v", names)
	}
}

// The Compose file of replicas: PostgreSQL and two relance services with
// one database, their own replica ids, and a mailboxes file that loads.
func TestComposeReplicas(t *testing.T) {
	dir := deployDir(t)
	docs := yamlDocs(t, filepath.Join(dir, "compose.replicas.yaml"))
	services, _ := dig(docs[0], "services").(map[string]any)
	if services["postgres"] == nil {
		t.Fatal("no postgres service")
	}
	ids := map[string]bool{}
	var db string
	for _, name := range []string{"relance-1", "relance-2"} {
		env, _ := dig(services, name, "environment").(map[string]any)
		if env == nil {
			t.Fatalf("%s: no environment", name)
		}
		id, _ := env["RELANCE_REPLICA_ID"].(string)
		ids[id] = true
		d, _ := env["RELANCE_DB"].(string)
		if !config.IsPostgresURL(d) || (db != "" && d != db) {
			t.Errorf("%s: RELANCE_DB %q: both replicas use one PostgreSQL database", name, d)
		}
		db = d
		if dig(services, name, "read_only") != true {
			t.Errorf("%s should run with a read-only root file system", name)
		}
	}
	if len(ids) != 2 || ids[""] {
		t.Errorf("replica ids %v, want two distinct", ids)
	}
	b, err := os.ReadFile(filepath.Join(dir, "mailboxes.json"))
	if err != nil {
		t.Fatal(err)
	}
	checkMailboxesJSON(t, "deploy/mailboxes.json", b)
}
