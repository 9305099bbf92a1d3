-- Threading depth (0 = top level), and what the spam checks need: a keyed hash of the
-- client address (never the address itself) and a truncated user agent.
ALTER TABLE comments ADD COLUMN depth INTEGER NOT NULL DEFAULT 0;
ALTER TABLE comments ADD COLUMN ip_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE comments ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
CREATE INDEX comments_ip_time ON comments (ip_hash, created_at);
CREATE INDEX comments_email_time ON comments (author_email, created_at);
CREATE INDEX comments_user ON comments (user_id);
