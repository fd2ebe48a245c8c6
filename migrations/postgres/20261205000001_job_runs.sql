-- The scheduler's record of timed work: one row per job and period (an ISO week, a local date, an
-- interval slot), so a period runs once across restarts and processes. An unfinished row is held
-- until `locked_until` (the lease of the process running it, or the backoff after a failure); once
-- that passes, any process may claim it again.
CREATE TABLE job_runs (
    job          TEXT    NOT NULL,
    period_key   TEXT    NOT NULL,
    due_at       BIGINT  NOT NULL,
    started_at   BIGINT  NOT NULL,
    finished_at  BIGINT,
    locked_until BIGINT,
    attempts     BIGINT  NOT NULL DEFAULT 0,
    last_error   TEXT,
    PRIMARY KEY (job, period_key)
);
CREATE INDEX job_runs_due ON job_runs (job, due_at);
