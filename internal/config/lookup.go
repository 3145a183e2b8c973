package config

import (
	"fmt"
	"os"
	"strings"
)

// LookupSecret reads one secret variable (name without the prefix, e.g.
// "HTTP_TOKEN") as Load does: RELANCE_<name> or the file named by
// RELANCE_<name>_FILE, not both. Commands that need a single setting
// without a full configuration (relance demo) use it.
func LookupSecret(lookup Getenv, name string) (Secret, error) {
	direct, _ := lookup(Prefix + "_" + name)
	path, _ := lookup(Prefix + "_" + name + "_FILE")
	switch {
	case path == "":
		return Secret(direct), nil
	case direct != "":
		return "", &FieldError{Var: Prefix + "_" + name + "_FILE", Problem: fmt.Sprintf("set together with %s_%s: choose one", Prefix, name)}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", &FieldError{Var: Prefix + "_" + name + "_FILE", Problem: fmt.Sprintf("cannot read secret file: %v", err)}
	}
	return Secret(strings.TrimRight(string(b), "\r\n")), nil
}
