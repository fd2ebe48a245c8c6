-- Alerts packed into one message share its id: refreshing one re-renders them all.
CREATE INDEX alerts_message ON alerts (alert_message_id);
