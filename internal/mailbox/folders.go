package mailbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"unicode"

	"github.com/emersion/go-imap/v2"
	"golang.org/x/text/unicode/norm"
)

// ErrNoFolder is what the operations on Sent and Drafts return (wrapped in
// a *MissingFolderError) when the server has no such folder and relance
// could not create one. Trying again will not help until someone acts.
var ErrNoFolder = errors.New("mailbox: folder missing")

// MissingFolderError says which folder is missing and, when relance tried to
// create it, what the server answered.
type MissingFolderError struct {
	Role Role
	// Tried is the name relance tried to create ("" when it did not try).
	Tried string
	// Err is the server's refusal of the CREATE.
	Err error
}

func (e *MissingFolderError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("mailbox: no %s folder on the server, and creating %q was refused: %v", e.Role, e.Tried, e.Err)
	}
	return fmt.Sprintf("mailbox: no %s folder on the server", e.Role)
}

// Is makes errors.Is(err, ErrNoFolder) true.
func (e *MissingFolderError) Is(target error) bool { return target == ErrNoFolder }

// Unwrap returns the server's refusal, if any.
func (e *MissingFolderError) Unwrap() error { return e.Err }

// Common names of Sent and Drafts on servers without SPECIAL-USE, in order
// of preference, in English and French (Thunderbird, Outlook/Exchange,
// Apple Mail, cPanel/Courier, French webmails). They are compared with
// case, accents and separators folded, below the personal namespace's
// prefix: "INBOX.Sent Items" on a Courier-style server is "Sent Items".
func sentNames() []string {
	return []string{"Sent", "Sent Items", "Sent Messages", "Sent Mail", "Envoyés", "Éléments envoyés", "Messages envoyés",
		"Courrier envoyé", "Envoyé"}
}

func draftsNames() []string { return []string{"Drafts", "Brouillons", "Draft", "Brouillon"} }

// frenchNames are the folded names that make relance name a folder it
// creates in French.
var frenchNames = []string{"envoyes", "elements envoyes", "messages envoyes", "courrier envoye", "envoye", "brouillons", "brouillon"}

// namespace is the personal namespace of the account: where the user's own
// folders live.
type namespace struct {
	prefix string   // e.g. "INBOX." on Courier, Cyrus and cPanel servers; usually ""
	delim  rune     // hierarchy separator, 0 on a flat server
	others []string // prefixes of other users' and shared namespaces, never searched
	known  bool     // from NAMESPACE rather than inferred from LIST
}

// join names a new top-level folder of the personal namespace.
func (ns namespace) join(leaf string) string { return ns.prefix + leaf }

// readNamespace asks the server for its personal namespace when it has
// NAMESPACE (RFC 2342, part of IMAP4rev2). A refusal is not an error: the
// namespace is then inferred from the folder list.
func (m *Client) readNamespace(k *conn) namespace {
	if !k.caps.Has(imap.CapNamespace) {
		return namespace{}
	}
	var data *imap.NamespaceData
	err := k.do(func() error {
		var err error
		data, err = k.c.Namespace().Wait()
		return err
	})
	if err != nil || data == nil || len(data.Personal) == 0 {
		m.cfg.Logger.Debug("mailbox: no personal namespace from NAMESPACE; inferring it from the folders", slog.Any("err", err))
		return namespace{}
	}
	ns := namespace{prefix: data.Personal[0].Prefix, delim: data.Personal[0].Delim, known: true}
	for _, d := range append(slices.Clone(data.Other), data.Shared...) {
		if d.Prefix != "" {
			ns.others = append(ns.others, d.Prefix)
		}
	}
	return ns
}

// inferNamespace completes ns from the folder list when the server has no
// NAMESPACE: the separator is the one LIST reports, and when every folder
// but INBOX lives under "INBOX" and the separator, that is the prefix.
func inferNamespace(ns namespace, list []*imap.ListData) namespace {
	if ns.known {
		return ns
	}
	under, others := 0, 0
	for _, l := range list {
		if ns.delim == 0 && l.Delim != 0 {
			ns.delim = l.Delim
		}
	}
	if ns.delim == 0 {
		return ns
	}
	inboxPrefix := "INBOX" + string(ns.delim)
	for _, l := range list {
		switch {
		case strings.EqualFold(l.Mailbox, "INBOX"):
		case hasPrefixFold(l.Mailbox, inboxPrefix):
			under++
		default:
			others++
		}
	}
	if under > 0 && others == 0 {
		ns.prefix = inboxPrefix
	}
	return ns
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// fold compares folder names: lower case, no accents, one space for any run
// of spaces, dashes and underscores ("Éléments_envoyés" = "elements envoyes").
func fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == '-' || r == '_':
			b.WriteByte(' ')
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// listed is a selectable folder of the personal namespace.
type listed struct {
	name       string // as the server spells it (decoded from modified UTF-7 by go-imap)
	attrs      []imap.MailboxAttr
	leaf       string // folded last component
	top        bool   // directly below the namespace prefix
	underInbox bool   // "INBOX/Sent" where the prefix is "": a second choice
}

// personal keeps the selectable folders of the personal namespace, each with
// its place in the hierarchy.
func personal(list []*imap.ListData, ns namespace) []listed {
	var out []listed
	for _, l := range list {
		if hasAttr(l.Attrs, imap.MailboxAttrNoSelect) || hasAttr(l.Attrs, imap.MailboxAttrNonExistent) {
			continue
		}
		name := l.Mailbox
		if strings.EqualFold(name, "INBOX") {
			out = append(out, listed{name: "INBOX", attrs: l.Attrs, leaf: "inbox"})
			continue
		}
		rel := name
		if ns.prefix != "" {
			if !hasPrefixFold(name, ns.prefix) {
				continue
			}
			rel = name[len(ns.prefix):]
		} else if slices.ContainsFunc(ns.others, func(p string) bool { return strings.HasPrefix(name, p) }) {
			continue
		}
		parts := []string{rel}
		if delim := l.Delim; delim != 0 {
			parts = strings.Split(rel, string(delim))
		}
		it := listed{name: name, attrs: l.Attrs, leaf: fold(parts[len(parts)-1])}
		switch {
		case len(parts) == 1:
			it.top = true
		case len(parts) == 2 && strings.EqualFold(parts[0], "INBOX"):
			it.underInbox = true
		}
		out = append(out, it)
	}
	return out
}

// byCommonName picks the folder whose name is the most usual one for its
// role: top-level folders first, then folders under INBOX, each in the order
// of names.
func byCommonName(folders []listed, names []string) string {
	best, bestRank := "", -1
	for _, f := range folders {
		if !f.top && !f.underInbox {
			continue
		}
		for i, n := range names {
			if f.leaf != fold(n) {
				continue
			}
			rank := i
			if f.underInbox {
				rank += len(names)
			}
			if bestRank < 0 || rank < bestRank {
				best, bestRank = f.name, rank
			}
		}
	}
	return best
}

// bySetting finds the folder a setting names, with or without the
// namespace prefix; ok is false when the server has no such folder.
func bySetting(want string, folders []listed, ns namespace) (string, bool) {
	for _, cand := range []string{want, ns.join(want)} {
		for _, f := range folders {
			if strings.EqualFold(f.name, cand) {
				return f.name, true
			}
		}
	}
	return want, false
}

func isFrench(name string, ns namespace) bool {
	if hasPrefixFold(name, ns.prefix) {
		name = name[len(ns.prefix):]
	}
	return slices.Contains(frenchNames, fold(name))
}

// discover lists the folders and returns the ones to watch, in sync order:
// Sent and extra folders first (invoices), then INBOX (replies thread to
// them), then Drafts.
//
// A folder is found by, in order: the setting naming it (with or without the
// namespace prefix), its SPECIAL-USE attribute, then a common name in English
// or French directly below the personal namespace (NAMESPACE when the server
// has it, else inferred from LIST). When there is no Drafts folder, relance
// creates one; when the server refuses, drafts are kept for the web page only
// and the Drafts operations return a *MissingFolderError.
func (m *Client) discover(k *conn) ([]folder, error) {
	ns := m.readNamespace(k)
	opts := &imap.ListOptions{}
	if k.caps.Has(imap.CapSpecialUse) {
		opts.ReturnSpecialUse = true
	}
	var list []*imap.ListData
	err := k.do(func() error {
		var err error
		list, err = k.c.List("", "*", opts).Collect()
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("mailbox: list folders: %w", err)
	}
	ns = inferNamespace(ns, list)
	folders := personal(list, ns)

	var sent, drafts string
	for _, f := range folders {
		if sent == "" && hasAttr(f.attrs, imap.MailboxAttrSent) {
			sent = f.name
		}
		if drafts == "" && hasAttr(f.attrs, imap.MailboxAttrDrafts) {
			drafts = f.name
		}
	}
	pick := func(setting, special string, names []string) (string, bool) {
		if setting != "" {
			return bySetting(setting, folders, ns)
		}
		if special != "" {
			return special, true
		}
		if n := byCommonName(folders, names); n != "" {
			return n, true
		}
		return "", false
	}
	sent, _ = pick(m.cfg.SentFolder, sent, sentNames())
	drafts, draftsExists := pick(m.cfg.DraftsFolder, drafts, draftsNames())
	created := false
	if sent == "" {
		m.cfg.Logger.Warn("mailbox: no Sent folder found (no SPECIAL-USE \\Sent, no common name); set the Sent folder name in the configuration",
			slog.String("prefix", ns.prefix))
	}
	if !draftsExists {
		if drafts == "" {
			leaf := "Drafts"
			if isFrench(sent, ns) {
				leaf = "Brouillons"
			}
			drafts = ns.join(leaf)
		} else if ns.prefix != "" && !hasPrefixFold(drafts, ns.prefix) {
			drafts = ns.join(drafts)
		}
		created = true
		m.mu.Lock()
		_, refusedBefore := m.refused[RoleDrafts]
		m.mu.Unlock()
		if err := m.create(k, RoleDrafts, drafts); err != nil {
			if !errors.Is(err, ErrNoFolder) {
				return nil, err
			}
			level := slog.LevelWarn
			if refusedBefore {
				level = slog.LevelDebug
			}
			m.cfg.Logger.Log(context.Background(), level, "mailbox: no Drafts folder, and the server refused to create one: drafts are reviewed on the web page only",
				slog.String("folder", drafts), slog.Any("err", err))
			drafts = ""
		}
	}
	m.cfg.Logger.Debug("mailbox: folders", slog.String("sent", sent), slog.String("drafts", drafts), slog.Bool("drafts_created", created && drafts != ""),
		slog.String("prefix", ns.prefix), slog.String("separator", string(ns.delim)), slog.Bool("namespace", ns.known))

	var out []folder
	seen := map[string]bool{}
	add := func(name string, role Role) {
		if name == "" || seen[strings.ToLower(name)] {
			return
		}
		seen[strings.ToLower(name)] = true
		out = append(out, folder{Name: name, Role: role})
	}
	add(sent, RoleSent)
	for _, x := range m.cfg.ExtraFolders {
		name, _ := bySetting(x, folders, ns)
		add(name, RoleExtra)
	}
	add("INBOX", RoleInbox)
	add(drafts, RoleDrafts)

	m.mu.Lock()
	m.folders = out
	m.ns = ns
	m.mu.Unlock()
	return out, nil
}

// create makes a folder for role and subscribes to it, so mail clients show
// it. A refusal (NO) is remembered: it is not asked again while the Client
// lives, and it comes back as a *MissingFolderError. A folder that already
// exists (a concurrent discovery made it) is fine.
func (m *Client) create(k *conn, role Role, name string) error {
	m.mu.Lock()
	refused, ok := m.refused[role]
	m.mu.Unlock()
	if ok {
		return refused
	}
	var use []imap.MailboxAttr
	if k.caps.Has(imap.CapCreateSpecialUse) {
		use = []imap.MailboxAttr{map[Role]imap.MailboxAttr{RoleDrafts: imap.MailboxAttrDrafts, RoleSent: imap.MailboxAttrSent}[role]}
	}
	try := func(use []imap.MailboxAttr) error {
		return k.do(func() error {
			var opts *imap.CreateOptions
			if len(use) > 0 {
				opts = &imap.CreateOptions{SpecialUse: use}
			}
			return k.c.Create(name, opts).Wait()
		})
	}
	err := try(use)
	if err != nil && len(use) > 0 && isNo(err) && !isCode(err, imap.ResponseCodeAlreadyExists) {
		// Some servers offer CREATE-SPECIAL-USE but refuse a given use.
		err = try(nil)
	}
	if err != nil && !isCode(err, imap.ResponseCodeAlreadyExists) {
		if !isNo(err) {
			return fmt.Errorf("mailbox: create %q: %w", name, err)
		}
		mf := &MissingFolderError{Role: role, Tried: name, Err: err}
		m.mu.Lock()
		m.refused[role] = mf
		m.mu.Unlock()
		return mf
	}
	if err == nil {
		m.cfg.Logger.Info("mailbox: created the missing folder", slog.String("role", string(role)), slog.String("folder", name))
	}
	if err := k.do(func() error { return k.c.Subscribe(name).Wait() }); err != nil {
		m.cfg.Logger.Warn("mailbox: cannot subscribe to folder", slog.String("folder", name), slog.Any("err", err))
	}
	return nil
}

// isNo reports whether err is the server's refusal (NO or BAD), not a
// broken connection.
func isNo(err error) bool {
	var ie *imap.Error
	return errors.As(err, &ie)
}

func isCode(err error, code imap.ResponseCode) bool {
	var ie *imap.Error
	return errors.As(err, &ie) && ie.Code == code
}

func hasAttr(attrs []imap.MailboxAttr, want imap.MailboxAttr) bool {
	for _, a := range attrs {
		if strings.EqualFold(string(a), string(want)) {
			return true
		}
	}
	return false
}

// folderFor resolves a role to a folder name, listing folders on k when the
// role is not known yet. With create, a missing Sent folder is created (a
// sent reminder's copy must go somewhere: it is what makes a send
// recognisable after a crash); a missing Drafts folder was already created,
// or refused, by the discovery.
func (m *Client) folderFor(k *conn, role Role, create bool) (folder, error) {
	if role == RoleInbox {
		return folder{Name: "INBOX", Role: RoleInbox}, nil
	}
	find := func(fs []folder) (folder, bool) {
		for _, f := range fs {
			if f.Role == role {
				return f, true
			}
		}
		return folder{}, false
	}
	m.mu.Lock()
	f, ok := find(m.folders)
	m.mu.Unlock()
	if ok {
		return f, nil
	}
	fs, err := m.discover(k)
	if err != nil {
		return folder{}, err
	}
	if f, ok := find(fs); ok {
		return f, nil
	}
	m.mu.Lock()
	refused, wasRefused := m.refused[role]
	ns := m.ns
	m.mu.Unlock()
	if wasRefused {
		return folder{}, refused
	}
	if !create || role != RoleSent {
		return folder{}, &MissingFolderError{Role: role}
	}
	name := m.cfg.SentFolder
	if name == "" {
		leaf := "Sent"
		for _, x := range fs {
			if x.Role == RoleDrafts && isFrench(x.Name, ns) {
				leaf = "Envoyés"
			}
		}
		name = ns.join(leaf)
	} else if ns.prefix != "" && !hasPrefixFold(name, ns.prefix) {
		name = ns.join(name)
	}
	if err := m.create(k, RoleSent, name); err != nil {
		return folder{}, err
	}
	f = folder{Name: name, Role: RoleSent}
	m.mu.Lock()
	m.folders = append(slices.Clone(m.folders), f)
	m.mu.Unlock()
	return f, nil
}
