-- The hand-over file of a client whose chasing ended (the ladder ran out,
-- or a reply turned hostile): a PDF for a third party and a ZIP of the
-- originals. Kept in the database rather than beside it so the one file a
-- backup copies holds it, and the command line and the web page read it
-- while the daemon runs. A rebuild adds a row; the latest one is the file.
CREATE TABLE handover_files (
    id         INTEGER PRIMARY KEY,
    client_id  INTEGER NOT NULL REFERENCES clients(id),
    invoice_id INTEGER NOT NULL REFERENCES invoices(id),
    reason     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    pdf_name   TEXT NOT NULL,
    pdf        BLOB NOT NULL,
    zip_name   TEXT NOT NULL,
    zip        BLOB NOT NULL
);
CREATE INDEX handover_files_invoice ON handover_files(invoice_id);
