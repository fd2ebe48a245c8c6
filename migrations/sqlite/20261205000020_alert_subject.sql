-- Who an alert is about. A harassing message is about the young person it targets, not its
-- author: `subject_id` is the young person the promeneurs should reach (the author for a
-- disclosure or a report about a friend, the target for an aggression; NULL for an aggression
-- whose target is unknown), `target_id` the young person targeted, `stance` how the first
-- message read (self, aggression, third_party). Flags keep their own author, since a pile-on
-- groups several authors' messages into the alert about their target.
ALTER TABLE alerts ADD COLUMN subject_id INTEGER;
ALTER TABLE alerts ADD COLUMN target_id INTEGER;
ALTER TABLE alerts ADD COLUMN stance TEXT;
UPDATE alerts SET subject_id = author_id, stance = 'self';
CREATE INDEX alerts_open_subject ON alerts (guild_id, subject_id, status);
ALTER TABLE flags ADD COLUMN author_id INTEGER;
