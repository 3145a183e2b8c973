-- The stock objection a client's reply raises ("cheque_in_post",
-- "wrong_amount"…), kept on the flag the reply opened: the answer drafted
-- for it follows this kind, and the owner may correct it.
ALTER TABLE flags ADD COLUMN objection TEXT NOT NULL DEFAULT '';
