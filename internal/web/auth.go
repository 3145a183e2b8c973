package web

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Access control. On loopback without a token the page is open to this
// machine only (the Host header is checked so a web page elsewhere cannot
// reach it through DNS rebinding). With a token, a login form exchanges it
// for a session cookie. Every POST carries a CSRF token: the session's, or
// without a session a random cookie echoed in the form (double submit).

const (
	sessionCookie = "relance_session"
	csrfCookie    = "relance_csrf"
	csrfField     = "csrf"
	// maxSessions bounds memory; the oldest session goes first.
	maxSessions = 256
)

type session struct {
	csrf    string
	expires time.Time
	created time.Time
	// login is the account logged in; empty for the access token's
	// session.
	login string
}

type sessions struct {
	mu  sync.Mutex
	m   map[string]session // keyed by the SHA-256 of the cookie value
	ttl time.Duration
}

func newSessions(ttl time.Duration) *sessions {
	return &sessions{m: map[string]session{}, ttl: ttl}
}

func randomToken() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

func hashKey(s string) string {
	sum := sha256.Sum256([]byte(s))
	return string(sum[:])
}

// create opens a session of login (empty: the access token's) and returns
// the cookie value.
func (s *sessions) create(now time.Time, login string) (id string, sess session, err error) {
	id, err = randomToken()
	if err != nil {
		return "", session{}, err
	}
	csrf, err := randomToken()
	if err != nil {
		return "", session{}, err
	}
	sess = session{csrf: csrf, expires: now.Add(s.ttl), created: now, login: login}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep(now)
	if len(s.m) >= maxSessions {
		var oldestK string
		var oldest time.Time
		for k, v := range s.m {
			if oldestK == "" || v.created.Before(oldest) {
				oldestK, oldest = k, v.created
			}
		}
		delete(s.m, oldestK)
	}
	s.m[hashKey(id)] = sess
	return id, sess, nil
}

// get returns the live session of a cookie value.
func (s *sessions) get(id string, now time.Time) (session, bool) {
	if id == "" {
		return session{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.m[hashKey(id)]
	if !ok || !now.Before(sess.expires) {
		delete(s.m, hashKey(id))
		return session{}, false
	}
	return sess, true
}

func (s *sessions) remove(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, hashKey(id))
}

func (s *sessions) sweep(now time.Time) {
	for k, v := range s.m {
		if !now.Before(v.expires) {
			delete(s.m, k)
		}
	}
}

// tokenEqual compares secrets in constant time; hashing first hides the
// length of the expected value too.
func tokenEqual(got, want string) bool {
	a, b := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1 && want != ""
}

// secureRequest tells whether the browser reached us over TLS, directly or
// through a proxy that says so.
func secureRequest(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

func (h *Handler) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: secureRequest(r)})
}

// reqAuth is what the access layer learned about a request.
type reqAuth struct {
	session   session
	sessionID string
	loggedIn  bool
	csrf      string // the token forms must carry
}

// authenticate finds the session (when a token or accounts protect the
// page) and the CSRF token, creating the double-submit cookie when needed.
func (h *Handler) authenticate(w http.ResponseWriter, r *http.Request) (reqAuth, error) {
	var a reqAuth
	if h.opt.Token != "" || h.accounts != nil {
		if c, err := r.Cookie(sessionCookie); err == nil {
			if sess, ok := h.sessions.get(c.Value, h.opt.Now()); ok {
				a.session, a.sessionID, a.loggedIn, a.csrf = sess, c.Value, true, sess.csrf
				return a, nil
			}
		}
	}
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 32 {
		a.csrf = c.Value
		return a, nil
	}
	tok, err := randomToken()
	if err != nil {
		return a, err
	}
	a.csrf = tok
	h.setCookie(w, r, csrfCookie, tok, 0)
	// A POST arriving without the cookie must still fail the check below:
	// the fresh token is for the next form, not this request.
	if r.Method == http.MethodPost {
		a.csrf = ""
	}
	return a, nil
}

// csrfOK checks the form's token against the expected one.
func csrfOK(r *http.Request, want string) bool {
	if want == "" {
		return false
	}
	return tokenEqual(r.PostFormValue(csrfField), want)
}

// hostAllowed refuses, on an unprotected page, Host headers that do not
// name this machine: DNS rebinding would otherwise let any web site read
// and drive the page through the user's browser.
func hostAllowed(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// isLoopbackAddr tells whether a listen address binds only this machine.
func isLoopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}
