// Package fault lets a test binary that doubles as relance die at a named
// point of a send, so crash tests can check what a restart makes of it.
// relance itself never reads the variable: the hook reaches the outbox only
// through cli.Env.Fault, which only a test main sets.
package fault

import "os"

// Var names the fault a child process is to inject. It sits outside the
// RELANCE_ namespace, which relance checks for typos: it is not
// configuration.
const Var = "RELANCETEST_FAULT"

// KillAfterSMTP kills the process once the SMTP server has accepted a
// message and before the store records it.
const KillAfterSMTP = "kill-after-smtp"

// FromEnv returns the hook Var asks for, or nil when it asks for none.
func FromEnv() func(point string) {
	return For(os.Getenv(Var))
}

// For returns the hook a fault name asks for, or nil for an unknown or
// empty name.
func For(name string) func(point string) {
	if name != KillAfterSMTP {
		return nil
	}
	return func(point string) {
		if point == "after-smtp" {
			p, _ := os.FindProcess(os.Getpid())
			_ = p.Kill()
			select {} // never continue past the fault point
		}
	}
}
