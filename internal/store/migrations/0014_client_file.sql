-- The client's file: how to reach it, what kind it is, and the owner's
-- own words about it.
--
-- Phone numbers found in our invoices (the buyer's block) and in the
-- client's replies (its own words and signature), or typed by the owner.
-- norm is the number in international form: one row per number. A number
-- the owner removed stays, marked removed, so it is not found again.
CREATE TABLE client_phones (
    id         INTEGER PRIMARY KEY,
    client_id  INTEGER NOT NULL REFERENCES clients(id),
    number     TEXT NOT NULL,                    -- as written
    norm       TEXT NOT NULL,                    -- +33612345678
    ext        TEXT NOT NULL DEFAULT '',
    kind       TEXT NOT NULL CHECK (kind IN ('phone', 'mobile', 'fax')),
    source     TEXT NOT NULL CHECK (source IN ('invoice', 'signature', 'owner')),
    message_id INTEGER REFERENCES messages(id),  -- where it was found
    seen_at    TEXT NOT NULL,                    -- when it was last found or typed
    removed    INTEGER NOT NULL DEFAULT 0,
    UNIQUE (client_id, norm)
);

-- The kind an invoice suggests (business or consumer) and why, until the
-- owner confirms one; once kind_confirmed, b2c is the owner's and no guess
-- changes it. Kinds set before this migration were the owner's.
ALTER TABLE clients ADD COLUMN kind_guess TEXT NOT NULL DEFAULT '' CHECK (kind_guess IN ('', 'business', 'consumer'));
ALTER TABLE clients ADD COLUMN kind_guess_why TEXT NOT NULL DEFAULT '';
ALTER TABLE clients ADD COLUMN kind_confirmed INTEGER NOT NULL DEFAULT 0;
UPDATE clients SET kind_confirmed = 1 WHERE id IN (SELECT client_id FROM events WHERE kind = 'client_kind_set' AND client_id IS NOT NULL);

-- The owner's "do not chase before" (YYYY-MM-DD), notes, and where the
-- postal address comes from: an invoice's buyer block (the latest wins), the
-- client's signature (only while nothing better is known), or the owner
-- (then nothing found overwrites it).
ALTER TABLE clients ADD COLUMN not_before TEXT;
ALTER TABLE clients ADD COLUMN notes TEXT NOT NULL DEFAULT '';
ALTER TABLE clients ADD COLUMN address_source TEXT NOT NULL DEFAULT '' CHECK (address_source IN ('', 'invoice', 'signature', 'owner'));
UPDATE clients SET address_source = 'invoice' WHERE postal_address <> '';

-- The client's order and the delivery, as the invoice's XML states them:
-- the call sheet's dates.
ALTER TABLE invoices ADD COLUMN order_date TEXT;
ALTER TABLE invoices ADD COLUMN delivery_date TEXT;
