-- Payments received, from any source (manual, bank notice, statement import).
-- external_ref makes re-imports idempotent.

CREATE TABLE payments (
    id           INTEGER PRIMARY KEY,
    invoice_id   INTEGER REFERENCES invoices(id),
    client_id    INTEGER REFERENCES clients(id),
    amount       TEXT NOT NULL,
    currency     TEXT NOT NULL,
    paid_on      TEXT NOT NULL,                 -- YYYY-MM-DD
    source       TEXT NOT NULL,                 -- manual, bank_notice, csv, camt053
    payer        TEXT NOT NULL DEFAULT '',
    reference    TEXT NOT NULL DEFAULT '',
    external_ref TEXT UNIQUE,
    created_at   TEXT NOT NULL
);
CREATE INDEX payments_invoice ON payments(invoice_id);

-- Contacts beyond the main one (accounting departments, second addresses).
CREATE TABLE client_emails (
    email     TEXT PRIMARY KEY,
    client_id INTEGER NOT NULL REFERENCES clients(id)
);
INSERT INTO client_emails (email, client_id) SELECT email, id FROM clients;
