-- Replicas and mailbox leases: with many relance processes on one
-- PostgreSQL database, each mailbox is worked by the one replica holding
-- its lease. The tables live in the process's database (its own schema);
-- every mailbox's store checks the lease there before it writes.
CREATE TABLE mailbox_leases (
    mailbox    TEXT PRIMARY KEY,
    owner      TEXT NOT NULL,
    -- token grows by one at each change of owner: the fencing token a
    -- holder's writes carry.
    token      BIGINT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE TABLE replicas (
    id      TEXT PRIMARY KEY,
    seen_at TEXT NOT NULL
);
