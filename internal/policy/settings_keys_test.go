package policy

import (
	"encoding/json"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// A setting cannot be added to the policy file without a test of its
// effect: every key of config/policy.example.json and every field Config
// accepts must have a row in policyEffects (TestPolicySettingsEffect), and
// every row must name a setting that exists.
func TestEveryPolicySettingHasATest(t *testing.T) {
	accepted := map[string]bool{}
	configKeys(reflect.TypeOf(Config{}), "", accepted)
	b, err := os.ReadFile("../../config/policy.example.json")
	if err != nil {
		t.Fatal(err)
	}
	var example any
	if err := json.Unmarshal(b, &example); err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	exampleKeys(example, "", documented)
	if len(documented) < 30 || len(accepted) < 30 {
		t.Fatalf("found %d documented and %d accepted settings: the walk is broken", len(documented), len(accepted))
	}
	for k := range documented {
		if !accepted[k] {
			t.Errorf("config/policy.example.json documents %q, which the policy does not accept", k)
		}
	}
	tested := map[string]bool{}
	for _, e := range policyEffects(t) {
		tested[e.key] = true
	}
	for _, k := range sortedKeys(accepted) {
		if !tested[k] {
			t.Errorf("policy setting %q has no row in policyEffects showing its effect", k)
		}
	}
	for _, k := range sortedKeys(tested) {
		if !accepted[k] {
			t.Errorf("policyEffects tests %q, which is not a policy setting", k)
		}
	}
}

// configKeys lists the settings a Config type accepts as paths: "a.b" for
// an object's field, "a.*.b" below a map, "a[].b" below a list of objects;
// every "comment" field is the one setting "comment".
func configKeys(ty reflect.Type, prefix string, out map[string]bool) {
	for ty.Kind() == reflect.Pointer {
		ty = ty.Elem()
	}
	for i := range ty.NumField() {
		f := ty.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		if name == "comment" {
			out["comment"] = true
			continue
		}
		path := prefix + name
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch {
		case ft.Kind() == reflect.Struct:
			configKeys(ft, path+".", out)
		case ft.Kind() == reflect.Map && ft.Elem().Kind() == reflect.Struct:
			configKeys(ft.Elem(), path+".*.", out)
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			configKeys(ft.Elem(), path+"[].", out)
		default:
			out[path] = true
		}
	}
}

// exampleKeys lists the settings a JSON policy file uses, named as
// configKeys names them (ladders and clients are maps).
func exampleKeys(v any, path string, out map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if k == "comment" {
				out["comment"] = true
				continue
			}
			name := k
			if path == "ladders" || path == "clients" {
				name = "*"
			}
			p := name
			if path != "" {
				p = path + "." + name
			}
			exampleKeys(x[k], p, out)
		}
	case []any:
		objects := false
		for _, e := range x {
			if _, ok := e.(map[string]any); ok {
				objects = true
				exampleKeys(e, path+"[]", out)
			}
		}
		if !objects {
			out[path] = true
		}
	default:
		out[path] = true
	}
}
