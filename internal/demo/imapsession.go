package demo

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

const mailboxDelim = '/'

// mailboxes is the one demo user's mail store. imapmemserver keeps the
// messages; this type adds what that backend lacks: it ignores the
// SPECIAL-USE attributes given at CREATE and never reports them in LIST. The
// daemon discovers Sent and Drafts through those attributes, as it must on a
// real server, so the demo has to announce them.
type mailboxes struct {
	user *imapmemserver.User

	mu   sync.Mutex // guards meta and orders changes to the user's mailboxes with it
	meta map[string]boxMeta
}

type boxMeta struct {
	specialUse []imap.MailboxAttr
	subscribed bool
}

type mailboxSpec struct {
	name string
	use  imap.MailboxAttr // "" for none
}

func newMailboxes(username, password string) (*mailboxes, error) {
	m := &mailboxes{
		user: imapmemserver.NewUser(username, password),
		meta: make(map[string]boxMeta),
	}
	specs := []mailboxSpec{
		{FolderInbox, ""},
		{FolderSent, imap.MailboxAttrSent},
		{FolderDrafts, imap.MailboxAttrDrafts},
		{FolderArchive, imap.MailboxAttrArchive},
	}
	for _, spec := range specs {
		opts := &imap.CreateOptions{}
		if spec.use != "" {
			opts.SpecialUse = []imap.MailboxAttr{spec.use}
		}
		if err := m.create(spec.name, opts); err != nil {
			return nil, fmt.Errorf("demo: create mailbox %s: %w", spec.name, err)
		}
		if err := m.subscribe(spec.name, true); err != nil {
			return nil, fmt.Errorf("demo: subscribe mailbox %s: %w", spec.name, err)
		}
	}
	return m, nil
}

func (m *mailboxes) newSession() imapserver.Session { return &session{m: m} }

func (m *mailboxes) create(name string, opts *imap.CreateOptions) error {
	name = strings.TrimRight(name, string(mailboxDelim))
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.user.Create(name, opts); err != nil {
		return err
	}
	var meta boxMeta
	if opts != nil {
		meta.specialUse = append([]imap.MailboxAttr(nil), opts.SpecialUse...)
	}
	m.meta[name] = meta
	return nil
}

func (m *mailboxes) delete(name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.user.Delete(name); err != nil {
		return err
	}
	delete(m.meta, name)
	return nil
}

func (m *mailboxes) rename(oldName, newName string, opts *imap.RenameOptions) error {
	newName = strings.TrimRight(newName, string(mailboxDelim))
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.user.Rename(oldName, newName, opts); err != nil {
		return err
	}
	m.meta[newName] = m.meta[oldName]
	delete(m.meta, oldName)
	return nil
}

func (m *mailboxes) subscribe(name string, on bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	var err error
	if on {
		err = m.user.Subscribe(name)
	} else {
		err = m.user.Unsubscribe(name)
	}
	if err != nil {
		return err
	}
	meta := m.meta[name]
	meta.subscribed = on
	m.meta[name] = meta
	return nil
}

// list answers LIST and LSUB. The memory backend's own List cannot be
// reused: it only writes to the connection, with attributes we cannot add.
func (m *mailboxes) list(w *imapserver.ListWriter, ref string, patterns []string, options *imap.ListOptions) error {
	if len(patterns) == 0 {
		// LIST "" "" asks for the hierarchy delimiter only (RFC 3501 6.3.8).
		return w.WriteList(&imap.ListData{
			Attrs: []imap.MailboxAttr{imap.MailboxAttrNoSelect},
			Delim: mailboxDelim,
		})
	}
	if options == nil {
		options = &imap.ListOptions{}
	}

	type entry struct {
		name string
		meta boxMeta
	}
	m.mu.Lock()
	entries := make([]entry, 0, len(m.meta))
	for name, meta := range m.meta {
		entries = append(entries, entry{name, meta})
	}
	m.mu.Unlock()
	sort.Slice(entries, func(i, j int) bool { return entries[i].name < entries[j].name })

	for _, e := range entries {
		if !matchAny(e.name, ref, patterns) {
			continue
		}
		if options.SelectSubscribed && !e.meta.subscribed {
			continue
		}
		if options.SelectSpecialUse && len(e.meta.specialUse) == 0 {
			continue
		}
		data := imap.ListData{Mailbox: e.name, Delim: mailboxDelim}
		if e.meta.subscribed && (options.SelectSubscribed || options.ReturnSubscribed) {
			data.Attrs = append(data.Attrs, imap.MailboxAttrSubscribed)
		}
		// RFC 6154 lets a server send special-use attributes in every LIST
		// response; clients that never ask for them (no LIST-EXTENDED) still
		// find the folders that way, as they do on Dovecot.
		data.Attrs = append(data.Attrs, e.meta.specialUse...)
		if options.ReturnStatus != nil {
			status, err := m.user.Status(e.name, options.ReturnStatus)
			if err != nil {
				continue // deleted since the snapshot
			}
			data.Status = status
		}
		if err := w.WriteList(&data); err != nil {
			return err
		}
	}
	return nil
}

func matchAny(name, ref string, patterns []string) bool {
	for _, pattern := range patterns {
		if imapserver.MatchList(name, mailboxDelim, ref, pattern) {
			return true
		}
	}
	return false
}

// session is one IMAP connection. Before LOGIN the embedded UserSession is
// nil; imapserver refuses every command that would reach it in that state.
type session struct {
	*imapmemserver.UserSession
	m *mailboxes
}

var _ imapserver.SessionIMAP4rev2 = (*session)(nil)

func (s *session) Login(username, password string) error {
	if err := s.m.user.Login(username, password); err != nil {
		return imapserver.ErrAuthFailed
	}
	s.UserSession = imapmemserver.NewUserSession(s.m.user)
	return nil
}

func (s *session) Close() error {
	if s.UserSession == nil {
		return nil
	}
	return s.UserSession.Close()
}

func (s *session) Create(name string, opts *imap.CreateOptions) error {
	return s.m.create(name, opts)
}

func (s *session) Delete(name string) error { return s.m.delete(name) }

func (s *session) Rename(oldName, newName string, opts *imap.RenameOptions) error {
	return s.m.rename(oldName, newName, opts)
}

func (s *session) Subscribe(name string) error { return s.m.subscribe(name, true) }

func (s *session) Unsubscribe(name string) error { return s.m.subscribe(name, false) }

func (s *session) List(w *imapserver.ListWriter, ref string, patterns []string, options *imap.ListOptions) error {
	return s.m.list(w, ref, patterns, options)
}
