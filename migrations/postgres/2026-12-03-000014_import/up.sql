-- WordPress import: category hierarchy and a post's many categories, statuses and flags
-- WordPress posts have, HTML bodies, media that stay at their original address, old
-- permalinks, and the WordPress ids already imported (so a second run adds nothing).

ALTER TABLE categories ADD COLUMN parent_id INTEGER REFERENCES categories (id) ON DELETE SET NULL;
CREATE INDEX categories_parent ON categories (parent_id);

-- Every category of a post; posts.category_id stays its primary (first) one.
CREATE TABLE post_categories (
    post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    category_id INTEGER NOT NULL REFERENCES categories (id) ON DELETE CASCADE,
    PRIMARY KEY (post_id, category_id)
);
CREATE INDEX post_categories_category ON post_categories (category_id);
INSERT INTO post_categories (post_id, category_id)
    SELECT id, category_id FROM posts WHERE category_id IS NOT NULL;

-- Shown first on the home page's first page.
ALTER TABLE posts ADD COLUMN sticky BOOLEAN NOT NULL DEFAULT FALSE;
-- NULL: not protected. The article asks for it before showing the content.
ALTER TABLE posts ADD COLUMN password TEXT;
-- 'markdown' or 'html' (imported posts keep their HTML as their source).
ALTER TABLE posts ADD COLUMN body_format TEXT NOT NULL DEFAULT 'markdown';
CREATE INDEX posts_kind_sticky_published ON posts (kind, status, sticky, published_at);

-- An image that stays where it was (nothing downloaded): no files, one address.
ALTER TABLE media ADD COLUMN external_url TEXT;

-- Old addresses (path and query, no host) that answer 301 to a post or page.
CREATE TABLE redirects (
    old_path TEXT PRIMARY KEY NOT NULL,
    post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE
);
CREATE INDEX redirects_post ON redirects (post_id);

-- What a WordPress site's ids (per source: its base_blog_url) became here. kind: author,
-- category, tag, post (posts, pages), attachment, comment.
CREATE TABLE wp_import_ids (
    source TEXT NOT NULL,
    kind TEXT NOT NULL,
    wp_id BIGINT NOT NULL,
    local_id INTEGER NOT NULL,
    PRIMARY KEY (source, kind, wp_id)
);
