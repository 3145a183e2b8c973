-- Indexes for threading a reply (store.ThreadCandidatesFor), which reads,
-- for each candidate invoice, its client's addresses, the mails of ours
-- recorded against it and the drafts sent about it. Without them each of
-- these lookups scans its whole table, once per received mail: the initial
-- scan of a mailbox grew with the square of its size.
-- The mails of ours about an invoice are read from the index alone (role
-- and Message-ID in it): the messages table, which holds every reply's
-- text, is not visited. The row id comes second so that they are read in
-- the order they were recorded, as a pass over the table read them (the
-- first one a reply refers to is the one its evidence names).
CREATE INDEX messages_invoice ON messages(invoice_id, id, role, message_id);
CREATE INDEX client_emails_client ON client_emails(client_id);
CREATE INDEX draft_invoices_invoice ON draft_invoices(invoice_id);
-- Whether an invoice already has an open flag of a kind (a question asked
-- again, a behaviour signal) is asked once per reply.
CREATE INDEX flags_invoice ON flags(invoice_id);
-- A reply without references that names an amount looks for the open
-- invoices owing or totalling it: with these, two index lookups instead of
-- a pass over every invoice still chased.
CREATE INDEX invoices_balance ON invoices(balance);
CREATE INDEX invoices_amount ON invoices(amount);
-- The credit notes a candidate invoice's client received, found among the
-- credit notes alone rather than among all that client's invoices.
CREATE INDEX invoices_client_credit_notes ON invoices(client_id) WHERE kind = 'credit_note';
