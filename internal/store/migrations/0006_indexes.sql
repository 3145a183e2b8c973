-- Indexes for the lookups made once per ingested message, which otherwise
-- scan the whole ledger and make the initial scan quadratic.

CREATE INDEX invoices_source_message ON invoices(source_message_id);
CREATE INDEX invoices_number_upper ON invoices(upper(number));
CREATE INDEX invoices_credit_notes ON invoices(id) WHERE kind = 'credit_note';
-- For the scrape-time statistics.
CREATE INDEX invoices_issue_date ON invoices(issue_date);
CREATE INDEX payments_paid_on ON payments(paid_on);
CREATE INDEX flags_kind ON flags(kind, status);
