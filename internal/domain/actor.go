package domain

// Actor says who caused an event: the daemon, or a human through one of the
// ways relance is driven.
type Actor string

// Actors of events.
const (
	ActorDaemon Actor = "daemon"
	ActorWeb    Actor = "web"
	ActorCLI    Actor = "cli"
	ActorIMAP   Actor = "imap" // a human acting in the mail client (a draft flagged, edited, deleted)
)
