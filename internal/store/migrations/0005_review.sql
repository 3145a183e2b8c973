-- What the review page shows of a client's reply beside a flag's evidence:
-- the sender's display name and the reply's text with quoted history and
-- signature stripped. Filled when a reply is recorded; empty for mails
-- recorded before this version and for other folders.
ALTER TABLE messages ADD COLUMN from_name TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN body_text TEXT NOT NULL DEFAULT '';
