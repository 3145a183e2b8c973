package deploytest

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// tool finds an external program. Locally a missing one skips the test;
// under CI=true it is a failure, as CI installs every tool.
func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is required under CI=true (Debian package prometheus / systemd): %v", name, err)
	}
	t.Skipf("%s not installed: %v", name, err)
	return ""
}

// deployDir is the repository's deploy/ directory.
func deployDir(t *testing.T) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the test file")
	}
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "deploy")
}
