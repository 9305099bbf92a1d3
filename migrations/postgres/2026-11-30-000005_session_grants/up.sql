-- One row per logged-in session, so logging out ends the session on the server too (a
-- signed cookie alone could be replayed). Only a hash of the session's grant is kept.
CREATE TABLE session_grants (
    id SERIAL PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX session_grants_user ON session_grants (user_id);
CREATE INDEX session_grants_expiry ON session_grants (expires_at);
