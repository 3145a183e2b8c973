package perf

import (
	"context"
	"os/exec"
	"testing"
	"time"
)

// startShell runs sh -c script for the test and kills it at the end.
func startShell(t *testing.T, script string) int {
	t.Helper()
	cmd := exec.Command("sh", "-c", script)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return cmd.Process.Pid
}

// The CPU of a child that has ended and been reaped counts in its parent's
// tree, not in the parent's own time.
func TestTreeCPUTime(t *testing.T) {
	pid := startShell(t, `sh -c 'i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done'; sleep 30`)
	deadline := time.Now().Add(20 * time.Second)
	for {
		tree, err := TreeCPUTime(pid)
		if err != nil {
			t.Fatal(err)
		}
		own, err := CPUTime(pid)
		if err != nil {
			t.Fatal(err)
		}
		if tree >= 100*time.Millisecond {
			if own >= tree {
				t.Errorf("own CPU %s, tree %s: the child's time is not the tree's alone", own, tree)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("tree CPU %s after 20 s of a busy child", tree)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// WaitQuiet returns for a sleeping process and fails for a busy one.
func TestWaitQuiet(t *testing.T) {
	ctx := context.Background()
	sleeping := startShell(t, "sleep 30")
	if err := WaitQuiet(ctx, sleeping, 300*time.Millisecond, 0.05, 5*time.Second); err != nil {
		t.Errorf("sleeping process: %v", err)
	}
	busy := startShell(t, "while :; do :; done")
	if err := WaitQuiet(ctx, busy, 300*time.Millisecond, 0.05, 2*time.Second); err == nil {
		t.Error("a busy process was found quiet")
	}
}
