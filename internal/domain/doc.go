// Package domain holds relance's vocabulary: the invoice states and the moves
// allowed between them, the kinds of events, flags and drafts, their
// statuses, the modes, aging buckets and actors. Every layer imports it; it
// imports nothing of the project, so a word is defined once and the compiler
// finds every place that uses it.
//
// Each set is a string type whose values are the exact strings stored in the
// database and printed in JSON, on the command line and in metrics: those
// strings are contracts, so a value is never renamed, only added.
package domain
