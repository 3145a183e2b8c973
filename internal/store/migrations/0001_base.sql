-- Base schema: the data model of DESIGN.md.
-- Timestamps are UTC text "YYYY-MM-DDTHH:MM:SS.mmmZ" (fixed width, so they sort);
-- calendar dates are "YYYY-MM-DD"; money is decimal text, never REAL.

CREATE TABLE clients (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL DEFAULT '',
    email      TEXT NOT NULL UNIQUE,          -- main contact, lower-case
    domain     TEXT NOT NULL DEFAULT '',
    language   TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

CREATE TABLE invoices (
    id                INTEGER PRIMARY KEY,
    number            TEXT NOT NULL,
    invoice_key       TEXT NOT NULL UNIQUE,   -- normalized number: a re-send is the same invoice
    kind              TEXT NOT NULL DEFAULT 'invoice' CHECK (kind IN ('invoice', 'credit_note')),
    credited_number   TEXT NOT NULL DEFAULT '',
    client_id         INTEGER NOT NULL REFERENCES clients(id),
    amount            TEXT NOT NULL,
    balance           TEXT NOT NULL,
    currency          TEXT NOT NULL,
    issue_date        TEXT,
    due_date          TEXT,
    language          TEXT NOT NULL DEFAULT '',
    source            TEXT NOT NULL DEFAULT '',
    source_message_id TEXT NOT NULL DEFAULT '',
    state             TEXT NOT NULL DEFAULT 'open' CHECK (state IN
                      ('open', 'promised', 'paid_claimed', 'paid', 'disputed', 'on_hold', 'plan', 'cancelled', 'written_off')),
    missing           TEXT NOT NULL DEFAULT '',  -- comma-separated fields a human must complete
    next_action       TEXT NOT NULL DEFAULT '',
    next_action_at    TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE INDEX invoices_client ON invoices(client_id);
CREATE INDEX invoices_state_due ON invoices(state, due_date);

CREATE TABLE messages (
    id          INTEGER PRIMARY KEY,
    folder      TEXT NOT NULL,
    uidvalidity INTEGER NOT NULL,
    uid         INTEGER NOT NULL,
    role        TEXT NOT NULL,                 -- inbox, sent, drafts, extra
    message_id  TEXT NOT NULL,
    from_addr   TEXT NOT NULL DEFAULT '',
    subject     TEXT NOT NULL DEFAULT '',
    date        TEXT,
    class       TEXT NOT NULL DEFAULT '',
    invoice_id  INTEGER REFERENCES invoices(id),
    ingested_at TEXT NOT NULL,
    UNIQUE (folder, uidvalidity, uid)
);
CREATE INDEX messages_message_id ON messages(message_id);

CREATE TABLE drafts (
    id          INTEGER PRIMARY KEY,
    client_id   INTEGER NOT NULL REFERENCES clients(id),
    stage       TEXT NOT NULL,
    to_addrs    TEXT NOT NULL,
    cc_addrs    TEXT NOT NULL DEFAULT '',
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    hold_until  TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'held' CHECK (status IN ('held', 'approved', 'sent', 'cancelled', 'superseded')),
    message_id  TEXT NOT NULL UNIQUE,           -- reserved before sending
    imap_uid    INTEGER,
    approved_by TEXT NOT NULL DEFAULT '',
    approved_at TEXT,
    sent_at     TEXT,
    updated_at  TEXT NOT NULL
);
CREATE INDEX drafts_status ON drafts(status);

CREATE TABLE draft_invoices (
    draft_id   INTEGER NOT NULL REFERENCES drafts(id),
    invoice_id INTEGER NOT NULL REFERENCES invoices(id),
    PRIMARY KEY (draft_id, invoice_id)
);

CREATE TABLE flags (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,                  -- dispute, grievance, hardship, bounce, self_check, triage, ...
    invoice_id  INTEGER REFERENCES invoices(id),
    client_id   INTEGER REFERENCES clients(id),
    message_id  INTEGER REFERENCES messages(id),
    evidence    TEXT NOT NULL DEFAULT '[]',     -- JSON array of strings
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'resolved')),
    resolution  TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    resolved_at TEXT
);
CREATE INDEX flags_status ON flags(status);

CREATE TABLE events (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    kind       TEXT NOT NULL,
    invoice_id INTEGER REFERENCES invoices(id),
    client_id  INTEGER REFERENCES clients(id),
    message_id INTEGER REFERENCES messages(id),
    draft_id   INTEGER REFERENCES drafts(id),
    flag_id    INTEGER REFERENCES flags(id),
    actor      TEXT NOT NULL,                   -- daemon, web, cli, imap
    detail     TEXT NOT NULL DEFAULT '{}'       -- JSON
);
CREATE INDEX events_invoice ON events(invoice_id, id);
CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

CREATE TABLE cursors (
    folder         TEXT PRIMARY KEY,
    uidvalidity    INTEGER NOT NULL,
    last_uid       INTEGER NOT NULL,
    highest_modseq INTEGER NOT NULL DEFAULT 0,
    updated_at     TEXT NOT NULL
);
