-- +goose Up
-- The foundation: tenants, people and roles, the tracked-record core, governing documents,
-- and the hash-chained audit trail. Types are kept to those both SQLite and PostgreSQL accept.

CREATE TABLE municipalities (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    org_number  TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL
);

CREATE TABLE org_units (
    id               INTEGER PRIMARY KEY,
    municipality_id  INTEGER NOT NULL REFERENCES municipalities(id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    kind             TEXT NOT NULL,
    parent_id        INTEGER REFERENCES org_units(id) ON DELETE RESTRICT,
    UNIQUE (municipality_id, name)
);
CREATE INDEX org_units_parent ON org_units(parent_id);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    username       TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    email          TEXT NOT NULL DEFAULT '',
    password_hash  TEXT NOT NULL DEFAULT '',
    is_admin       BOOLEAN NOT NULL DEFAULT FALSE,
    disabled       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     TIMESTAMP NOT NULL
);

CREATE TABLE role_assignments (
    id               INTEGER PRIMARY KEY,
    user_id          INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    municipality_id  INTEGER NOT NULL REFERENCES municipalities(id) ON DELETE CASCADE,
    role             TEXT NOT NULL,
    UNIQUE (user_id, municipality_id, role)
);
CREATE INDEX role_assignments_municipality ON role_assignments(municipality_id);

CREATE TABLE role_assignment_units (
    assignment_id  INTEGER NOT NULL REFERENCES role_assignments(id) ON DELETE CASCADE,
    org_unit_id    INTEGER NOT NULL REFERENCES org_units(id) ON DELETE CASCADE,
    PRIMARY KEY (assignment_id, org_unit_id)
);

CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token  TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    created_at    TIMESTAMP NOT NULL,
    revoked_at    TIMESTAMP
);

-- The tracked-record core: one row per ISMS record of any kind. Kind tables hold the rest.
CREATE TABLE records (
    id                      INTEGER PRIMARY KEY,
    municipality_id         INTEGER NOT NULL REFERENCES municipalities(id) ON DELETE CASCADE,
    kind                    TEXT NOT NULL,
    title                   TEXT NOT NULL,
    org_unit_id             INTEGER NOT NULL REFERENCES org_units(id) ON DELETE RESTRICT,
    owner_id                INTEGER REFERENCES users(id) ON DELETE SET NULL,
    status                  TEXT NOT NULL,
    review_interval_months  INTEGER NOT NULL,
    last_reviewed_at        TEXT,
    next_review_at          TEXT,
    created_at              TIMESTAMP NOT NULL,
    updated_at              TIMESTAMP NOT NULL
);
CREATE INDEX records_due ON records(municipality_id, next_review_at);
CREATE INDEX records_owner ON records(municipality_id, owner_id, next_review_at);
CREATE INDEX records_kind ON records(municipality_id, kind, org_unit_id);

CREATE TABLE reviews (
    id              INTEGER PRIMARY KEY,
    record_id       INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    reviewed_by     INTEGER NOT NULL REFERENCES users(id),
    reviewed_at     TEXT NOT NULL,
    next_review_at  TEXT NOT NULL,
    comment         TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX reviews_record ON reviews(record_id);

CREATE TABLE comments (
    id          INTEGER PRIMARY KEY,
    record_id   INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    author_id   INTEGER NOT NULL REFERENCES users(id),
    body        TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX comments_record ON comments(record_id);

CREATE TABLE evidence (
    id            INTEGER PRIMARY KEY,
    record_id     INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    filename      TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          INTEGER NOT NULL,
    sha256        TEXT NOT NULL,
    data          BLOB NOT NULL,
    uploaded_by   INTEGER NOT NULL REFERENCES users(id),
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX evidence_record ON evidence(record_id);

-- Governing documents (styrande dokument): the document kind's own fields.
CREATE TABLE documents (
    record_id             INTEGER PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,
    doc_type              TEXT NOT NULL,
    version               TEXT NOT NULL,
    description           TEXT NOT NULL DEFAULT '',
    adopted_by            TEXT,
    adopted_at            TEXT,
    revision_in_progress  BOOLEAN NOT NULL DEFAULT FALSE,
    scope                 TEXT NOT NULL
);

CREATE TABLE document_scope_units (
    record_id    INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    org_unit_id  INTEGER NOT NULL REFERENCES org_units(id) ON DELETE CASCADE,
    PRIMARY KEY (record_id, org_unit_id)
);

CREATE TABLE document_versions (
    id          INTEGER PRIMARY KEY,
    record_id   INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    version     TEXT NOT NULL,
    status      TEXT NOT NULL,
    adopted_by  TEXT,
    adopted_at  TEXT,
    note        TEXT NOT NULL DEFAULT '',
    created_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX document_versions_record ON document_versions(record_id);

-- The append-only audit trail. Each row's hash covers its fields and the previous row's
-- hash, so changing or removing any row breaks the chain (lisa audit verify).
CREATE TABLE audit_log (
    id               INTEGER PRIMARY KEY,
    at               TEXT NOT NULL,
    actor_id         INTEGER,
    actor            TEXT NOT NULL,
    municipality_id  INTEGER,
    kind             TEXT NOT NULL,
    record_id        INTEGER,
    action           TEXT NOT NULL,
    before_json      TEXT NOT NULL,
    after_json       TEXT NOT NULL,
    ip               TEXT NOT NULL,
    prev_hash        TEXT NOT NULL,
    hash             TEXT NOT NULL
);
CREATE INDEX audit_log_municipality ON audit_log(municipality_id, id);
CREATE INDEX audit_log_record ON audit_log(kind, record_id);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE document_versions;
DROP TABLE document_scope_units;
DROP TABLE documents;
DROP TABLE evidence;
DROP TABLE comments;
DROP TABLE reviews;
DROP TABLE records;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE role_assignment_units;
DROP TABLE role_assignments;
DROP TABLE users;
DROP TABLE org_units;
DROP TABLE municipalities;
