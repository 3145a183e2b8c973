package perf

import (
	"fmt"
	"os"
	"path/filepath"
)

// MaildirWriter drops messages into maildir folders at file speed, the way a
// local delivery agent does, before the IMAP server starts.
type MaildirWriter struct {
	path     func(folder string) string
	uid, gid int // owner of what is written; -1 keeps the writer's
	made     map[string]bool
	seq      int
}

// NewMaildirWriter writes under path(folder) ("cur", "new" and "tmp" are
// created as needed), owned by uid:gid unless they are negative.
func NewMaildirWriter(path func(folder string) string, uid, gid int) *MaildirWriter {
	return &MaildirWriter{path: path, uid: uid, gid: gid, made: map[string]bool{}}
}

func (w *MaildirWriter) chown(p string) error {
	if w.uid < 0 {
		return nil
	}
	return os.Lchown(p, w.uid, w.gid)
}

func (w *MaildirWriter) ensure(folder string) (string, error) {
	md := w.path(folder)
	if w.made[folder] {
		return md, nil
	}
	for _, d := range []string{md, filepath.Join(md, "cur"), filepath.Join(md, "new"), filepath.Join(md, "tmp")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return "", fmt.Errorf("perf: maildir: %w", err)
		}
		if err := w.chown(d); err != nil {
			return "", fmt.Errorf("perf: maildir: %w", err)
		}
	}
	w.made[folder] = true
	return md, nil
}

// Write stores one message in its folder's cur/ (already seen by a mail
// client, so the server has no new/ → cur/ renames to make at first select).
func (w *MaildirWriter) Write(m Message) error {
	md, err := w.ensure(m.Folder)
	if err != nil {
		return err
	}
	w.seq++
	flags := ""
	if m.Seen {
		flags = "S"
	}
	// S= gives the size so the server need not stat the file.
	name := fmt.Sprintf("1767225600.M%dP1.perf,S=%d:2,%s", w.seq, len(m.Raw), flags)
	p := filepath.Join(md, "cur", name)
	if err := os.WriteFile(p, m.Raw, 0o600); err != nil {
		return fmt.Errorf("perf: maildir: %w", err)
	}
	if err := w.chown(p); err != nil {
		return fmt.Errorf("perf: maildir: %w", err)
	}
	return nil
}
