// Package e2e holds end-to-end tests of relance against a real Dovecot and
// an SMTP sink: whole simulated months driven through the command line, and
// crash tests that kill the real process at the worst moments.
package e2e
