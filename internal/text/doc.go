// Package text reads and writes the words and figures French and English
// business mail is made of: money amounts, dates and month names, invoice
// numbers, and the catalogues that hold the product's own sentences in both
// languages.
//
// Invoices, replies, payments, the page and the mails all read and write
// these through here, so that "1 234,56 €", "3 déc. 2026" and
// "F-2026-0142" mean the same thing everywhere. Where two callers need a
// different reading (a printed total, a figure typed in a form), each has
// its own function whose name says which. It imports nothing of the
// project: it is the vocabulary the others share.
package text
