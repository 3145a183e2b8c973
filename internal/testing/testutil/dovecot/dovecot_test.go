package dovecot

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"
)

// cmd sends one tagged command over a raw connection and returns the lines
// up to and including the tagged reply.
func cmd(t *testing.T, rd *bufio.Reader, c net.Conn, tag, line string) []string {
	t.Helper()
	if _, err := fmt.Fprintf(c, "%s %s\r\n", tag, line); err != nil {
		t.Fatal(err)
	}
	var out []string
	for {
		l, err := rd.ReadString('\n')
		if err != nil {
			t.Fatalf("read after %q: %v (got %q)", line, err, out)
		}
		out = append(out, strings.TrimRight(l, "\r\n"))
		if strings.HasPrefix(l, tag+" ") {
			if !strings.HasPrefix(l, tag+" OK") {
				t.Fatalf("%s: %s", line, l)
			}
			return out
		}
	}
}

func TestStartLoginSpecialUse(t *testing.T) {
	s := Start(t)
	if err := s.Deliver("INBOX", []byte("Subject: hi\r\nMessage-ID: <a@b>\r\n\r\nbody\r\n"), false); err != nil {
		t.Fatal(err)
	}
	c, err := net.DialTimeout("tcp", s.Addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	rd := bufio.NewReader(c)
	if _, err := rd.ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	cmd(t, rd, c, "a1", fmt.Sprintf("LOGIN %s %s", s.User, s.Password))
	caps := strings.Join(cmd(t, rd, c, "a2", "CAPABILITY"), " ")
	for _, want := range []string{"IDLE", "CONDSTORE", "UIDPLUS", "SPECIAL-USE"} {
		if !strings.Contains(caps, want) {
			t.Errorf("capability %s missing: %s", want, caps)
		}
	}
	list := strings.Join(cmd(t, rd, c, "a3", `LIST "" "*" RETURN (SPECIAL-USE)`), "\n")
	for _, want := range []string{`\Sent`, `\Drafts`, `\Trash`} {
		if !strings.Contains(list, want) {
			t.Errorf("LIST lacks %s:\n%s", want, list)
		}
	}
	sel := strings.Join(cmd(t, rd, c, "a4", "SELECT INBOX"), "\n")
	if !strings.Contains(sel, "* 1 EXISTS") {
		t.Errorf("delivered message not seen:\n%s", sel)
	}
	uv1 := uidValidity(t, sel)
	cmd(t, rd, c, "a5", "LOGOUT")

	s.ChangeUIDValidity("INBOX")
	c2, err := net.DialTimeout("tcp", s.Addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	_ = c2.SetDeadline(time.Now().Add(10 * time.Second))
	rd2 := bufio.NewReader(c2)
	if _, err := rd2.ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	cmd(t, rd2, c2, "b1", fmt.Sprintf("LOGIN %s %s", s.User, s.Password))
	sel2 := strings.Join(cmd(t, rd2, c2, "b2", "SELECT INBOX"), "\n")
	if uv2 := uidValidity(t, sel2); uv2 == uv1 {
		t.Errorf("UIDVALIDITY unchanged: %s", uv1)
	}
	if !strings.Contains(sel2, "* 1 EXISTS") {
		t.Errorf("message lost across UIDVALIDITY change:\n%s", sel2)
	}
}

func uidValidity(t *testing.T, sel string) string {
	t.Helper()
	i := strings.Index(sel, "UIDVALIDITY ")
	if i < 0 {
		t.Fatalf("no UIDVALIDITY in %s", sel)
	}
	rest := sel[i+len("UIDVALIDITY "):]
	return rest[:strings.IndexByte(rest, ']')]
}

// exchange sends one tagged command and returns every line up to the tagged
// reply, whatever its status.
func exchange(t *testing.T, rd *bufio.Reader, c net.Conn, tag, line string) []string {
	t.Helper()
	if _, err := fmt.Fprintf(c, "%s %s\r\n", tag, line); err != nil {
		t.Fatal(err)
	}
	var out []string
	for {
		l, err := rd.ReadString('\n')
		if err != nil {
			t.Fatalf("read after %q: %v (got %q)", line, err, out)
		}
		out = append(out, strings.TrimRight(l, "\r\n"))
		if strings.HasPrefix(l, tag+" ") {
			return out
		}
	}
}

func login(t *testing.T, s *Server) (*bufio.Reader, net.Conn) {
	t.Helper()
	c, err := net.DialTimeout("tcp", s.Addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	rd := bufio.NewReader(c)
	if _, err := rd.ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	cmd(t, rd, c, "l1", fmt.Sprintf("LOGIN %s %s", s.User, s.Password))
	return rd, c
}

// A Courier/cPanel-style server: folders under "INBOX." with "." as the
// separator, localized names (sent on the wire in modified UTF-7), no
// SPECIAL-USE; with RefuseCreate, CREATE is refused and the rest works.
func TestPrefixNamespaceWithoutSpecialUse(t *testing.T) {
	for _, refuse := range []bool{false, true} {
		t.Run(fmt.Sprintf("refuse_create=%v", refuse), func(t *testing.T) {
			s := StartWith(t, Options{Prefix: "INBOX.", Separator: ".", NoSpecialUse: true, RefuseCreate: refuse,
				Folders: []string{"Sent Items", "Éléments envoyés"}})
			if err := s.Deliver("INBOX.Éléments envoyés", []byte("Subject: envoyé\r\nMessage-ID: <s@b>\r\n\r\nbody\r\n"), true); err != nil {
				t.Fatal(err)
			}
			if err := s.Deliver("INBOX", []byte("Subject: hi\r\nMessage-ID: <a@b>\r\n\r\nbody\r\n"), false); err != nil {
				t.Fatal(err)
			}
			rd, c := login(t, s)
			caps := strings.Join(cmd(t, rd, c, "a1", "CAPABILITY"), " ")
			if strings.Contains(caps, "SPECIAL-USE") || !strings.Contains(caps, "NAMESPACE") {
				t.Errorf("capabilities: %s", caps)
			}
			if ns := strings.Join(cmd(t, rd, c, "a2", "NAMESPACE"), "\n"); !strings.Contains(ns, `(("INBOX." "."))`) {
				t.Errorf("NAMESPACE:\n%s", ns)
			}
			list := strings.Join(cmd(t, rd, c, "a3", `LIST "" "*"`), "\n")
			for _, want := range []string{`"INBOX.Sent Items"`, `"INBOX.&AMk-l&AOk-ments envoy&AOk-s"`} {
				if !strings.Contains(list, want) {
					t.Errorf("LIST lacks %s:\n%s", want, list)
				}
			}
			if strings.Contains(list, `\Sent`) || strings.Contains(list, "Drafts") {
				t.Errorf("LIST has special-use folders:\n%s", list)
			}
			sel := strings.Join(cmd(t, rd, c, "a4", `EXAMINE "INBOX.&AMk-l&AOk-ments envoy&AOk-s"`), "\n")
			if !strings.Contains(sel, "* 1 EXISTS") {
				t.Errorf("delivered message not seen:\n%s", sel)
			}
			created := exchange(t, rd, c, "a5", `CREATE "INBOX.Brouillons"`)
			got := created[len(created)-1]
			if refuse != strings.HasPrefix(got, "a5 NO") {
				t.Errorf("CREATE with RefuseCreate=%v: %s", refuse, got)
			}
			cmd(t, rd, c, "a6", `APPEND "INBOX.Sent Items" {5}`+"\r\nhello")
			cmd(t, rd, c, "a7", "LOGOUT")
		})
	}
}
