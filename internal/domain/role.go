package domain

// Role is what a web account may do in one mailbox it was granted. An
// administrator account needs no grant: it sees every mailbox.
type Role string

// Roles of a grant. Both may review and act on the mailbox today; the
// distinction is kept so that a later rule may narrow what staff may do
// without asking anyone to grant again.
const (
	// RoleOwner is the business's owner, rereading their own drafts.
	RoleOwner Role = "owner"
	// RoleStaff is a member of the firm that handles the mailbox.
	RoleStaff Role = "staff"
)

// Roles lists the roles a grant may carry, in the order they are shown.
func Roles() []Role { return []Role{RoleOwner, RoleStaff} }

// Valid tells whether r is one of Roles.
func (r Role) Valid() bool { return r == RoleOwner || r == RoleStaff }
