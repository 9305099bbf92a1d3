CREATE INDEX comments_post_email ON comments (post_id, author_email);
DROP INDEX comments_digest_post;
ALTER TABLE comments DROP COLUMN body_digest;
