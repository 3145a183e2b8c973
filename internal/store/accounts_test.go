package store

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/relance/relance/internal/domain"
)

// Accounts are added once per login (in lower case), log in with their
// password only, hold a role per mailbox granted (a new grant replaces the
// role, a revoke removes it), and an administrator sees every mailbox.
func TestAccountsAndGrants(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		ctx := context.Background()
		s := openTest(t)
		if has, err := s.HasAccounts(ctx); err != nil || has {
			t.Fatalf("a new database has accounts: %v %v", has, err)
		}
		if err := s.AddAccount(ctx, NewAccount{Login: " Marie@Dupuis.fr ", Name: "Marie Dupuis", Password: "menuiserie-42"}, t0); err != nil {
			t.Fatal(err)
		}
		if err := s.AddAccount(ctx, NewAccount{Login: "marie@dupuis.fr", Password: "autre-mot-de-passe"}, t0); !errors.Is(err, ErrAccountExists) {
			t.Fatalf("the same login twice: %v", err)
		}
		if err := s.AddAccount(ctx, NewAccount{Login: "cabinet", Name: "Cabinet Leroy", Admin: true, Password: "expert-comptable"}, t0); err != nil {
			t.Fatal(err)
		}
		if err := s.AddAccount(ctx, NewAccount{Login: "paul", Name: "Paul"}, t0); err != nil {
			t.Fatal(err) // no password yet
		}
		for _, bad := range []NewAccount{{Login: "", Password: "12345678"}, {Login: "a b", Password: "12345678"},
			{Login: "ok", Password: "short"}, {Login: "ok2", Password: strings.Repeat("x", 73)}} {
			if err := s.AddAccount(ctx, bad, t0); err == nil {
				t.Errorf("accepted %+v", bad)
			}
		}
		if has, _ := s.HasAccounts(ctx); !has {
			t.Fatal("HasAccounts is false after adding three")
		}

		if err := s.GrantRole(ctx, "marie@dupuis.fr", "menuiserie-dupuis", domain.RoleStaff, t0); err != nil {
			t.Fatal(err)
		}
		if err := s.GrantRole(ctx, "MARIE@dupuis.fr", "menuiserie-dupuis", domain.RoleOwner, t0); err != nil {
			t.Fatal(err) // replaces staff
		}
		if err := s.GrantRole(ctx, "paul", "menuiserie-dupuis", domain.RoleStaff, t0); err != nil {
			t.Fatal(err)
		}
		if err := s.GrantRole(ctx, "paul", "boulangerie-martin", domain.RoleStaff, t0); err != nil {
			t.Fatal(err)
		}
		if err := s.GrantRole(ctx, "paul", "x", domain.Role("boss"), t0); err == nil {
			t.Error("granted an unknown role")
		}
		if err := s.GrantRole(ctx, "nobody", "x", domain.RoleOwner, t0); !errors.Is(err, ErrNoAccount) {
			t.Errorf("grant to an unknown login: %v", err)
		}

		list, err := s.Accounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, a := range list {
			line := a.Login + "|" + a.Name
			if a.Admin {
				line += "|admin"
			}
			for _, g := range a.Grants {
				line += "|" + g.Mailbox + ":" + string(g.Role)
			}
			if !a.CreatedAt.Equal(t0) {
				t.Errorf("%s created at %v", a.Login, a.CreatedAt)
			}
			got = append(got, line)
		}
		want := "cabinet|Cabinet Leroy|admin; marie@dupuis.fr|Marie Dupuis|menuiserie-dupuis:owner; " +
			"paul|Paul|boulangerie-martin:staff|menuiserie-dupuis:staff"
		if strings.Join(got, "; ") != want {
			t.Fatalf("accounts:\n%s\nwant\n%s", strings.Join(got, "; "), want)
		}

		// Who sees what.
		for _, c := range []struct {
			login, mailbox string
			may            bool
		}{
			{"marie@dupuis.fr", "menuiserie-dupuis", true}, {"marie@dupuis.fr", "boulangerie-martin", false},
			{"paul", "boulangerie-martin", true}, {"cabinet", "boulangerie-martin", true}, {"cabinet", "anything", true},
		} {
			a, err := s.Account(ctx, c.login)
			if err != nil {
				t.Fatal(err)
			}
			if a.MayOpen(c.mailbox) != c.may {
				t.Errorf("%s may open %s: %v, want %v", c.login, c.mailbox, !c.may, c.may)
			}
		}

		// Logging in.
		a, err := s.Authenticate(ctx, "Marie@Dupuis.fr", "menuiserie-42")
		if err != nil || a.Login != "marie@dupuis.fr" || a.Admin {
			t.Fatalf("login: %+v %v", a, err)
		}
		if r, ok := a.RoleIn("menuiserie-dupuis"); !ok || r != domain.RoleOwner {
			t.Errorf("role: %q %v", r, ok)
		}
		for _, c := range [][2]string{{"marie@dupuis.fr", "menuiserie-43"}, {"nobody", "menuiserie-42"}, {"paul", ""},
			{"paul", "anything-at-all"}, {"a b", "menuiserie-42"}} {
			if _, err := s.Authenticate(ctx, c[0], c[1]); !errors.Is(err, ErrBadLogin) {
				t.Errorf("login %q/%q: %v, want ErrBadLogin", c[0], c[1], err)
			}
		}
		if err := s.SetPassword(ctx, "paul", "boulangerie-7"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, "paul", "boulangerie-7"); err != nil {
			t.Errorf("login after SetPassword: %v", err)
		}
		if err := s.SetPassword(ctx, "marie@dupuis.fr", "nouveau-secret"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, "marie@dupuis.fr", "menuiserie-42"); !errors.Is(err, ErrBadLogin) {
			t.Errorf("the old password still logs in: %v", err)
		}
		if err := s.SetPassword(ctx, "nobody", "whatever-long"); !errors.Is(err, ErrNoAccount) {
			t.Errorf("password of an unknown login: %v", err)
		}
		if err := s.SetPassword(ctx, "paul", "short"); err == nil {
			t.Error("accepted a short password")
		}

		// The hash is bcrypt, never the password.
		var hash string
		if err := s.db.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE login = ?`, "paul").Scan(&hash); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(hash, "$2a$") || strings.Contains(hash, "boulangerie-7") {
			t.Errorf("stored hash %q", hash)
		}

		if err := s.Revoke(ctx, "paul", "menuiserie-dupuis"); err != nil {
			t.Fatal(err)
		}
		if err := s.Revoke(ctx, "paul", "menuiserie-dupuis"); !errors.Is(err, ErrNotFound) {
			t.Errorf("revoke twice: %v", err)
		}
		if a, _ := s.Account(ctx, "paul"); a.MayOpen("menuiserie-dupuis") || !a.MayOpen("boulangerie-martin") {
			t.Errorf("after revoke: %+v", a.Grants)
		}
		if _, err := s.Account(ctx, "nobody"); !errors.Is(err, ErrNoAccount) {
			t.Errorf("unknown account: %v", err)
		}
	})
}
