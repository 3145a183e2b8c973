-- Web accounts of a site of several mailboxes, and what each may open:
-- an administrator every mailbox, anyone else the mailboxes granted, each
-- with a role. The tables live in the process's database, beside the
-- leases; a mailbox's own store leaves them empty.
CREATE TABLE users (
    login         TEXT PRIMARY KEY,            -- lower case
    name          TEXT NOT NULL DEFAULT '',
    -- bcrypt; '' until a password is set, and then no login succeeds.
    password_hash TEXT NOT NULL DEFAULT '',
    admin         INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL
);

CREATE TABLE grants (
    login      TEXT NOT NULL REFERENCES users(login),
    -- a mailbox's name in the mailboxes file; not a key of this database,
    -- since each mailbox has its own store.
    mailbox    TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('owner', 'staff')),
    granted_at TEXT NOT NULL,
    PRIMARY KEY (login, mailbox)
);
