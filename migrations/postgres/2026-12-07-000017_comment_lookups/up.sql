-- The checks a new comment goes through, each on an index of its own instead of a walk
-- through every comment of the post: the duplicate check (same author, same post) and
-- "approved before" (this name and email have an approved comment).
CREATE INDEX comments_post_email ON comments (post_id, author_email);
CREATE INDEX comments_email_status ON comments (author_email, status);
