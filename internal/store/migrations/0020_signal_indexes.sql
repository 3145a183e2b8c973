-- Whether a behaviour signal was already raised on an invoice
-- (store.Tx.SignalRaised) is asked for every signal of a pass: without this
-- index each question read every behaviour signal ever logged, so a first
-- pass over years of history slowed with each signal it raised.
CREATE INDEX events_signals ON events(invoice_id) WHERE kind = 'behaviour_signal';
-- A reply from another address at a client's own domain looks its client
-- up by the domain of its addresses: one index lookup, where a LIKE on the
-- address's end read every address and every invoice.
CREATE INDEX client_emails_domain ON client_emails(lower(substr(email, instr(email, '@') + 1)));
-- The flags a reply opened, read again to carry the objection it raised.
CREATE INDEX flags_message ON flags(message_id);
