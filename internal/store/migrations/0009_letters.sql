-- The client's postal address as its invoices state it (Factur-X, UBL, CII),
-- printed on the formal notice's letter (sent as a registered letter).
ALTER TABLE clients ADD COLUMN postal_address TEXT NOT NULL DEFAULT '';
