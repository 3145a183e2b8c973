-- Human decisions that stick.
--
-- A draft approved before its hold ended, with a reason, no longer waits for
-- the hold (hold_lifted); "send now" (send_now) leaves at the next pass,
-- whatever the hour.
ALTER TABLE drafts ADD COLUMN hold_lifted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE drafts ADD COLUMN send_now INTEGER NOT NULL DEFAULT 0;

-- A cancelled draft's "until when?": no new reminder about the invoice
-- before quiet_until (kind 'date'), before the client writes after
-- quiet_since (kind 'reply'), or ever (kind 'never').
ALTER TABLE invoices ADD COLUMN quiet_kind TEXT NOT NULL DEFAULT '' CHECK (quiet_kind IN ('', 'date', 'reply', 'never'));
ALTER TABLE invoices ADD COLUMN quiet_until TEXT;
ALTER TABLE invoices ADD COLUMN quiet_since TEXT;
ALTER TABLE invoices ADD COLUMN quiet_reason TEXT NOT NULL DEFAULT '';

-- The identifier unique to this installation. Its drafts in the IMAP Drafts
-- folder carry it (X-Relance-Draft: <key>/<draft id>); nothing else is ours.
CREATE TABLE installation (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    key        TEXT NOT NULL,
    created_at TEXT NOT NULL
);
INSERT INTO installation (id, key, created_at) VALUES (1, lower(hex(randomblob(10))), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));

-- Drafts waiting when this migration ran were copied to Drafts with the
-- old header (the bare draft number): those copies are still read, for
-- these drafts only, and only while their recipients and invoices match.
ALTER TABLE drafts ADD COLUMN legacy_header INTEGER NOT NULL DEFAULT 0;
UPDATE drafts SET legacy_header = 1 WHERE status IN ('held', 'approved');
