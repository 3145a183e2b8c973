-- Current state the decision core reads, kept beside the event log and
-- updated in the same transactions as the events that change it.

ALTER TABLE clients ADD COLUMN b2c INTEGER NOT NULL DEFAULT 0;
ALTER TABLE clients ADD COLUMN last_contact TEXT;      -- last message we sent them
ALTER TABLE clients ADD COLUMN last_inbound TEXT;      -- last message they sent us
ALTER TABLE clients ADD COLUMN away_until TEXT;        -- out-of-office return (YYYY-MM-DD)

ALTER TABLE invoices ADD COLUMN state_since TEXT;
ALTER TABLE invoices ADD COLUMN last_stage INTEGER NOT NULL DEFAULT 0;   -- last ladder stage done
ALTER TABLE invoices ADD COLUMN promise_date TEXT;                      -- YYYY-MM-DD
ALTER TABLE invoices ADD COLUMN disputed_before INTEGER NOT NULL DEFAULT 0;

UPDATE invoices SET state_since = updated_at;

ALTER TABLE drafts ADD COLUMN stage_number INTEGER NOT NULL DEFAULT 0;
ALTER TABLE drafts ADD COLUMN kind TEXT NOT NULL DEFAULT 'message';       -- message, formal_notice
ALTER TABLE drafts ADD COLUMN html TEXT NOT NULL DEFAULT '';
ALTER TABLE drafts ADD COLUMN in_reply_to TEXT NOT NULL DEFAULT '';
ALTER TABLE drafts ADD COLUMN refs TEXT NOT NULL DEFAULT '';
ALTER TABLE drafts ADD COLUMN requires_approval INTEGER NOT NULL DEFAULT 1;
ALTER TABLE drafts ADD COLUMN send_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE drafts ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
ALTER TABLE drafts ADD COLUMN last_attempt_at TEXT;
ALTER TABLE drafts ADD COLUMN smtp_accepted_at TEXT;   -- set right after the SMTP server accepted it
CREATE INDEX drafts_client ON drafts(client_id, status);
