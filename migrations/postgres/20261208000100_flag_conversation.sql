-- A flag raised by the conversation stage (a pile-on: several people aiming at one young
-- person within minutes) keeps what the alert shows of it, as JSON: the first message of the
-- pile-on (id and time), how many messages and authors, the target's pseudonym, and whether a
-- plea tipped it. Never any content. NULL for every other flag.
ALTER TABLE flags ADD COLUMN conversation TEXT;
