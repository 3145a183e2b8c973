-- Payments received but not (wholly) applied to an invoice keep invoice_id
-- NULL: a payment awaiting triage, the excess of an overpayment, money from
-- an unknown payer. outcome says which, so that the web page can list them.
ALTER TABLE payments ADD COLUMN outcome TEXT NOT NULL DEFAULT 'applied';   -- applied, excess, triage, unknown, confirmed
CREATE INDEX payments_unallocated ON payments(outcome) WHERE invoice_id IS NULL;
-- The same transfer is often reported twice: by the bank's notification
-- mail, then on the statement. The second report is kept as a row with
-- outcome 'confirmed' whose confirms names the first one's external_ref, so
-- that it is neither applied twice nor paired twice.
ALTER TABLE payments ADD COLUMN confirms TEXT;

-- Payment plans (échéanciers): agreed dates and amounts for one invoice.
-- An instalment is covered when the payments received since the plan was
-- agreed (start_balance minus the invoice's balance) reach the running total
-- of instalments up to it; nothing needs updating when money comes in.
CREATE TABLE payment_plans (
    id             INTEGER PRIMARY KEY,
    invoice_id     INTEGER NOT NULL REFERENCES invoices(id),
    status         TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'completed', 'cancelled')),
    start_balance  TEXT NOT NULL,                 -- the balance the plan spreads
    previous_state TEXT NOT NULL,                 -- the invoice's state before the plan
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE UNIQUE INDEX payment_plans_one_active ON payment_plans(invoice_id) WHERE status = 'active';

CREATE TABLE plan_instalments (
    id          INTEGER PRIMARY KEY,
    plan_id     INTEGER NOT NULL REFERENCES payment_plans(id),
    seq         INTEGER NOT NULL,                 -- 1, 2, ... in date order
    due_date    TEXT NOT NULL,                    -- YYYY-MM-DD
    amount      TEXT NOT NULL,
    reminded_at TEXT,                             -- a reminder for this missed instalment was drafted
    flagged_at  TEXT,                             -- a flag was raised for it
    UNIQUE (plan_id, seq)
);
CREATE INDEX plan_instalments_due ON plan_instalments(due_date);
