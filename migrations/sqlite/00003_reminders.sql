-- +goose Up
-- Reviews that come round by themselves: review reminders by mail and in the app, the
-- coordinators' weekly summary, and the personal calendar feed. Types are kept to those both
-- SQLite and PostgreSQL accept.

-- The durable mail queue. Planning writes a row in the same transaction that decides a mail is
-- due; senders claim rows with a lease (locked_until), so two servers never send one twice.
CREATE TABLE mail_outbox (
    id               INTEGER PRIMARY KEY,
    to_address       TEXT NOT NULL,
    to_user_id       INTEGER REFERENCES users(id) ON DELETE SET NULL,
    subject          TEXT NOT NULL,
    body_text        TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'pending',
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMP NOT NULL,
    last_error       TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMP NOT NULL,
    sent_at          TIMESTAMP,
    locked_until     TIMESTAMP
);
CREATE INDEX mail_outbox_due ON mail_outbox(status, next_attempt_at);

-- One reminder per record, due date and threshold (days before the due date; 0 = overdue),
-- ever: the unique key is what keeps restarts and a second server from reminding twice.
-- Looser thresholds passed over for a tighter one get a row without outbox_id.
CREATE TABLE reminders (
    id          INTEGER PRIMARY KEY,
    record_id   INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    due_date    TEXT NOT NULL,
    threshold   INTEGER NOT NULL,
    user_id     INTEGER REFERENCES users(id) ON DELETE SET NULL,
    outbox_id   INTEGER REFERENCES mail_outbox(id) ON DELETE SET NULL,
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (record_id, due_date, threshold)
);

-- The coordinators' weekly summary: one per coordinator, municipality and ISO week (2026-W48).
CREATE TABLE summaries (
    user_id          INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    municipality_id  INTEGER NOT NULL REFERENCES municipalities(id) ON DELETE CASCADE,
    week             TEXT NOT NULL,
    outbox_id        INTEGER REFERENCES mail_outbox(id) ON DELETE SET NULL,
    created_at       TIMESTAMP NOT NULL,
    UNIQUE (user_id, municipality_id, week)
);

-- In-app notifications.
CREATE TABLE notifications (
    id               INTEGER PRIMARY KEY,
    user_id          INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    municipality_id  INTEGER NOT NULL REFERENCES municipalities(id) ON DELETE CASCADE,
    record_id        INTEGER REFERENCES records(id) ON DELETE CASCADE,
    kind             TEXT NOT NULL,
    message          TEXT NOT NULL,
    due_date         TEXT,
    created_at       TIMESTAMP NOT NULL,
    read_at          TIMESTAMP
);
CREATE INDEX notifications_user ON notifications(user_id, id);

-- The planner looks for reviews coming due across every municipality.
CREATE INDEX records_next_review ON records(next_review_at);

-- One revocable calendar feed token per user; only its SHA-256 is kept.
CREATE TABLE calendar_tokens (
    user_id     INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE calendar_tokens;
DROP INDEX records_next_review;
DROP TABLE notifications;
DROP TABLE summaries;
DROP TABLE reminders;
DROP TABLE mail_outbox;
