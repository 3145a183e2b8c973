-- The ladder moves on: answers to clients' questions, the clock restarted
-- by an answer, what a draft's reviewer should know, attachments.

-- When our answer to the client's question left (or the human said it was
-- answered): the next stage's interval counts from it.
ALTER TABLE invoices ADD COLUMN clock_from TEXT;

-- The task an answer draft answers (an info_request flag).
ALTER TABLE drafts ADD COLUMN flag_id INTEGER REFERENCES flags(id);
-- JSON array of lines shown beside the draft (an open call task, a broken
-- promise, a blank to fill in an answer).
ALTER TABLE drafts ADD COLUMN context TEXT NOT NULL DEFAULT '[]';

-- info_request: what the client asked for, comma-separated
-- (bank_details, invoice_copy, po_number, chorus_pro, address).
ALTER TABLE flags ADD COLUMN topics TEXT NOT NULL DEFAULT '';

-- Files sent with a draft (the invoice's own PDF re-attached from Sent).
CREATE TABLE draft_attachments (
    draft_id     INTEGER NOT NULL REFERENCES drafts(id),
    position     INTEGER NOT NULL,
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    data         BLOB NOT NULL,
    PRIMARY KEY (draft_id, position)
);
