-- +goose Up
-- Sessions get a table of their own, with the user they belong to, so that
-- disabling or deleting a user, or changing a password, ends that user's
-- sessions at once. Only the hash of a session id is stored.
CREATE TABLE sessions (
    id_hash    TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at DATETIME NOT NULL,
    expires_at DATETIME NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expires ON sessions(expires_at);

-- A disabled user can neither log in nor use a token; their data stays.
ALTER TABLE users ADD COLUMN disabled_at DATETIME;

-- Who made a share link, so that the links a removed collaborator or a
-- disabled user made can be revoked with them. Links made before this
-- column existed have no creator.
ALTER TABLE shares ADD COLUMN created_by INTEGER REFERENCES users(id) ON DELETE SET NULL;
CREATE INDEX shares_created_by ON shares(created_by);

-- One-time password-reset links an admin hands to a user; only the hash
-- of the link's token is stored.
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at DATETIME NOT NULL,
    expires_at DATETIME NOT NULL
);
CREATE INDEX password_resets_user ON password_resets(user_id);

-- Sessions and CSRF tokens stored by the earlier session middleware.
DELETE FROM kv WHERE key LIKE 'h:%';
