-- The duplicate check (same author, same text, same post) looks a comment up by a digest of
-- its text instead of reading every comment its author left on the post. 0: not computed
-- yet (rows from before this column); the application fills them in at start-up.
ALTER TABLE comments ADD COLUMN body_digest BIGINT NOT NULL DEFAULT 0;
CREATE INDEX comments_digest_post ON comments (body_digest, post_id);
DROP INDEX comments_post_email;
