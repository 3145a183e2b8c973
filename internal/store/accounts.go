// Accounts: who may log in to the web site, and which mailboxes each sees.

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/relance/relance/internal/domain"
)

var (
	// ErrBadLogin refuses a login whose account is unknown, has no
	// password yet, or whose password differs: the caller cannot tell
	// which, so that a stranger learns no login.
	ErrBadLogin = errors.New("store: unknown login or wrong password")
	// ErrAccountExists refuses to add an account under a login taken.
	ErrAccountExists = errors.New("store: an account with this login exists already")
	// ErrNoAccount names a login no account has.
	ErrNoAccount = errors.New("store: no account with this login")
)

// Bounds of a password: bcrypt reads no more than 72 bytes, and a longer
// password would be cut without a word.
const (
	MinPasswordLen = 8
	MaxPasswordLen = 72
)

// loginForm is what a login may be: lower case, an e-mail address fits.
var loginForm = regexp.MustCompile(`^[a-z0-9][a-z0-9._@+-]{0,63}$`)

// Account is one web account, without its password.
type Account struct {
	Login     string
	Name      string
	Admin     bool // sees every mailbox, granted or not
	CreatedAt time.Time
	Grants    []Grant // by mailbox
}

// Grant is one mailbox an account may open, with its role there.
type Grant struct {
	Mailbox   string
	Role      domain.Role
	GrantedAt time.Time
}

// MayOpen tells whether the account sees mailbox.
func (a Account) MayOpen(mailbox string) bool {
	_, ok := a.RoleIn(mailbox)
	return a.Admin || ok
}

// RoleIn is the account's role in mailbox, if it was granted one.
func (a Account) RoleIn(mailbox string) (domain.Role, bool) {
	i := slices.IndexFunc(a.Grants, func(g Grant) bool { return g.Mailbox == mailbox })
	if i < 0 {
		return "", false
	}
	return a.Grants[i].Role, true
}

// NewAccount is an account to add. Password may be empty: the account then
// cannot log in until SetPassword.
type NewAccount struct {
	Login, Name, Password string
	Admin                 bool
}

// NormalizeLogin is a login as it is stored and looked up: trimmed, lower
// case. It refuses what loginForm does not allow.
func NormalizeLogin(login string) (string, error) {
	l := strings.ToLower(strings.TrimSpace(login))
	if !loginForm.MatchString(l) {
		return "", fmt.Errorf("store: login %q: use 1 to 64 lower-case letters, digits and . _ @ + -, starting with a letter or digit", login)
	}
	return l, nil
}

// hashPassword checks a password's length and hashes it.
func hashPassword(password string) (string, error) {
	if n := len(password); n < MinPasswordLen || n > MaxPasswordLen {
		return "", fmt.Errorf("store: a password needs %d to %d bytes, this one has %d", MinPasswordLen, MaxPasswordLen, n)
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return "", fmt.Errorf("store: hash the password: %w", err)
	}
	return string(h), nil
}

// AddAccount adds an account at now.
func (s *Store) AddAccount(ctx context.Context, a NewAccount, now time.Time) error {
	login, err := NormalizeLogin(a.Login)
	if err != nil {
		return err
	}
	hash := ""
	if a.Password != "" {
		if hash, err = hashPassword(a.Password); err != nil {
			return err
		}
	}
	res, err := s.db.ExecContext(ctx, `INSERT INTO users (login, name, password_hash, admin, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (login) DO NOTHING`, login, strings.TrimSpace(a.Name), hash, a.Admin, ts(now))
	if err != nil {
		return fmt.Errorf("store: add account %s: %w", login, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("store: add account %s: %w", login, err)
	}
	if n == 0 {
		return fmt.Errorf("%w: %s", ErrAccountExists, login)
	}
	return nil
}

// SetPassword replaces an account's password.
func (s *Store) SetPassword(ctx context.Context, login, password string) error {
	login, err := NormalizeLogin(login)
	if err != nil {
		return err
	}
	hash, err := hashPassword(password)
	if err != nil {
		return err
	}
	res, err := s.db.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE login = ?`, hash, login)
	if err != nil {
		return fmt.Errorf("store: set the password of %s: %w", login, err)
	}
	return affectedOne(res, login)
}

func affectedOne(res sql.Result, login string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("store: account %s: %w", login, err)
	}
	if n == 0 {
		return fmt.Errorf("%w: %s", ErrNoAccount, login)
	}
	return nil
}

// GrantRole gives an account role in mailbox at now, replacing the role it
// had there.
func (s *Store) GrantRole(ctx context.Context, login, mailbox string, role domain.Role, now time.Time) error {
	login, err := NormalizeLogin(login)
	if err != nil {
		return err
	}
	if !role.Valid() {
		return fmt.Errorf("store: role %q: want one of %v", role, domain.Roles())
	}
	if _, err := s.Account(ctx, login); err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO grants (login, mailbox, role, granted_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (login, mailbox) DO UPDATE SET role = excluded.role, granted_at = excluded.granted_at`,
		login, mailbox, string(role), ts(now))
	if err != nil {
		return fmt.Errorf("store: grant %s to %s: %w", mailbox, login, err)
	}
	return nil
}

// Revoke takes mailbox away from an account; ErrNotFound when it had no
// grant there.
func (s *Store) Revoke(ctx context.Context, login, mailbox string) error {
	login, err := NormalizeLogin(login)
	if err != nil {
		return err
	}
	res, err := s.db.ExecContext(ctx, `DELETE FROM grants WHERE login = ? AND mailbox = ?`, login, mailbox)
	if err != nil {
		return fmt.Errorf("store: revoke %s from %s: %w", mailbox, login, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("store: revoke %s from %s: %w", mailbox, login, err)
	}
	if n == 0 {
		return fmt.Errorf("%w: %s has no grant on %s", ErrNotFound, login, mailbox)
	}
	return nil
}

// HasAccounts tells whether any account exists: the site then asks for a
// login and a password.
func (s *Store) HasAccounts(ctx context.Context) (bool, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM users LIMIT 1) AS one`).Scan(&n); err != nil {
		return false, fmt.Errorf("store: count accounts: %w", err)
	}
	return n > 0, nil
}

// Accounts lists every account with its grants, by login.
func (s *Store) Accounts(ctx context.Context) ([]Account, error) {
	return s.accounts(ctx, "")
}

// Account is the account of login with its grants; ErrNoAccount when none.
func (s *Store) Account(ctx context.Context, login string) (Account, error) {
	l, err := NormalizeLogin(login)
	if err != nil {
		return Account{}, fmt.Errorf("%w: %s", ErrNoAccount, login)
	}
	list, err := s.accounts(ctx, l)
	if err != nil {
		return Account{}, err
	}
	if len(list) == 0 {
		return Account{}, fmt.Errorf("%w: %s", ErrNoAccount, l)
	}
	return list[0], nil
}

// accounts reads the accounts (login's alone unless empty) and their
// grants.
func (s *Store) accounts(ctx context.Context, login string) ([]Account, error) {
	q, args := `SELECT u.login, u.name, u.admin, u.created_at, g.mailbox, g.role, g.granted_at
		FROM users u LEFT JOIN grants g ON g.login = u.login`, []any{}
	if login != "" {
		q, args = q+` WHERE u.login = ?`, append(args, login)
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY u.login, g.mailbox`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: accounts: %w", err)
	}
	defer rows.Close()
	var out []Account
	for rows.Next() {
		var a Account
		var created string
		var mailbox, role, granted sql.NullString
		if err := rows.Scan(&a.Login, &a.Name, &a.Admin, &created, &mailbox, &role, &granted); err != nil {
			return nil, fmt.Errorf("store: accounts: %w", err)
		}
		if len(out) == 0 || out[len(out)-1].Login != a.Login {
			a.CreatedAt = parseTS(sql.NullString{String: created, Valid: true})
			out = append(out, a)
		}
		if mailbox.Valid {
			last := &out[len(out)-1]
			last.Grants = append(last.Grants, Grant{Mailbox: mailbox.String, Role: domain.Role(role.String), GrantedAt: parseTS(granted)})
		}
	}
	return out, rows.Err()
}

// dummyHash is compared against when a login is unknown, so that a wrong
// login takes as long as a wrong password.
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("relance: no such account"), bcrypt.DefaultCost)
	return h
})

// Authenticate checks a login and its password and returns the account;
// ErrBadLogin for an unknown login, an account without a password or a
// wrong password alike.
func (s *Store) Authenticate(ctx context.Context, login, password string) (Account, error) {
	l, lerr := NormalizeLogin(login)
	var hash string
	if lerr == nil {
		err := s.db.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE login = ?`, l).Scan(&hash)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return Account{}, fmt.Errorf("store: authenticate %s: %w", l, err)
		}
	}
	if hash == "" {
		_ = bcrypt.CompareHashAndPassword(dummyHash(), []byte(password))
		return Account{}, ErrBadLogin
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil {
		return Account{}, ErrBadLogin
	}
	return s.Account(ctx, l)
}
