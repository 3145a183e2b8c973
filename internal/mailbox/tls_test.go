package mailbox

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/internal/testing/testutil/dovecot"
)

func TestTLSDovecot(t *testing.T) {
	certPEM, keyPEM, pool, err := dovecot.SelfSigned(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		server dovecot.TLSMode
		client string
	}{
		{"implicit", dovecot.TLSImplicit, TLSImplicit},
		{"starttls", dovecot.TLSStartTLS, TLSStartTLS},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := dovecot.StartWith(t, dovecot.Options{TLS: tc.server, CertPEM: certPEM, KeyPEM: keyPEM, Seed: seedFolder(3, "INBOX")})
			store := newMemStore()
			c := newDovecotClient(t, srv, store, func(cfg *Config) {
				cfg.TLS = tc.client
				cfg.TLSConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
			})
			if err := c.SyncOnce(context.Background()); err != nil {
				t.Fatal(err)
			}
			if store.count("INBOX") != 3 {
				t.Errorf("ingested %d, want 3", store.count("INBOX"))
			}
			// The same server with the system roots: the self-signed
			// certificate must be refused.
			untrusted := newDovecotClient(t, srv, newMemStore(), func(cfg *Config) {
				cfg.TLS = tc.client
				cfg.TLSConfig = &tls.Config{RootCAs: x509.NewCertPool(), MinVersion: tls.VersionTLS12}
			})
			err := untrusted.SyncOnce(context.Background())
			if err == nil || !strings.Contains(err.Error(), "certificate") {
				t.Errorf("untrusted certificate: err = %v, want a certificate error", err)
			}
		})
	}
}
