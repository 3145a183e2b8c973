-- Whether a behaviour signal was already raised on an invoice
-- (store.Tx.SignalRaised) is asked for every signal of a pass: without this
-- index each question read every behaviour signal ever logged, so a first
-- pass over years of history slowed with each signal it raised.
CREATE INDEX events_signals ON events(invoice_id) WHERE kind = 'behaviour_signal';
