-- The owner's corrections of how a reply was read. Each keeps the words that
-- were read (the reply as its author wrote it, and the subject) so that the
-- local model can be rebuilt from them at any time, with or without the
-- message still in the store.
CREATE TABLE corrections (
    id           INTEGER PRIMARY KEY,
    message_id   INTEGER REFERENCES messages(id),
    text         TEXT NOT NULL,
    subject      TEXT NOT NULL DEFAULT '',
    reply_date   TEXT,                          -- the reply's Date: its dates are read against it
    class_before TEXT NOT NULL DEFAULT '',
    class        TEXT NOT NULL,
    promise_date TEXT,
    actor        TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX corrections_message ON corrections(message_id);
