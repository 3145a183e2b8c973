package fault

import (
	"errors"
	"os"
	"os/exec"
	"syscall"
	"testing"
)

// childPoint, when set, makes the test binary call the kill-after-smtp hook
// at that point and exit 0 if it returns.
const childPoint = "FAULT_TEST_CHILD_POINT"

func TestMain(m *testing.M) {
	if p := os.Getenv(childPoint); p != "" {
		For(KillAfterSMTP)(p)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestOnlyKnownFaultsGiveAHook(t *testing.T) {
	for _, name := range []string{"", "kill-before-smtp", "KILL-AFTER-SMTP"} {
		if For(name) != nil {
			t.Errorf("For(%q) gave a hook", name)
		}
	}
	if For(KillAfterSMTP) == nil {
		t.Errorf("For(%q) gave no hook", KillAfterSMTP)
	}
	t.Setenv(Var, "")
	if FromEnv() != nil {
		t.Errorf("FromEnv with %s empty gave a hook", Var)
	}
	t.Setenv(Var, KillAfterSMTP)
	if FromEnv() == nil {
		t.Errorf("FromEnv with %s=%s gave no hook", Var, KillAfterSMTP)
	}
}

// The hook kills the process at the point after SMTP and lets every other
// point pass.
func TestKillAfterSMTPKillsOnlyThere(t *testing.T) {
	run := func(point string) error {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), childPoint+"="+point)
		return cmd.Run()
	}
	err := run("after-smtp")
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("at after-smtp the child ended with %v, want killed", err)
	}
	if ws, ok := ee.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Errorf("at after-smtp the child ended with %v, want SIGKILL", err)
	}
	if err := run("before-smtp"); err != nil {
		t.Errorf("at before-smtp the child ended with %v, want it to carry on", err)
	}
}
