// Package text reads and writes the words and figures French and English
// business mail is made of: money amounts, dates and month names, invoice
// numbers, and the catalogues that hold the product's own sentences in both
// languages.
//
// Every package that reads a client's text or writes one for a reader goes
// through here, so that "1 234,56 €", "3 déc. 2026" and "F-2026-0142" mean
// the same thing everywhere. It imports nothing of the project: it is the
// vocabulary the others share.
package text
