-- The back office: pages beside posts, revisions, media, disabled accounts, and HTML
-- rendered when text is saved (render_version says with which rules; older rows are
-- rendered again at start-up).

-- Uploaded images. Files live under the data dir as media/{stem}.{extension} and, for each
-- width in variant_widths (comma-separated), media/{stem}-{width}.{extension}.
CREATE TABLE media (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    stem TEXT NOT NULL UNIQUE,
    extension TEXT NOT NULL,
    mime TEXT NOT NULL,
    original_name TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    byte_size BIGINT NOT NULL,
    variant_widths TEXT NOT NULL DEFAULT '',
    alt TEXT NOT NULL DEFAULT '',
    uploaded_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX media_created ON media (created_at);

-- 'post' or 'page'. Posts and pages share one slug space.
ALTER TABLE posts ADD COLUMN kind TEXT NOT NULL DEFAULT 'post';
-- Bumped by every save: the editor's version check.
ALTER TABLE posts ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE posts ADD COLUMN render_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE posts ADD COLUMN featured_media_id INTEGER REFERENCES media (id) ON DELETE SET NULL;
CREATE INDEX posts_kind_status_published ON posts (kind, status, published_at);
CREATE INDEX posts_featured_media ON posts (featured_media_id);

-- Every save of a post or page keeps what was saved, by whom and when.
CREATE TABLE post_revisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    author_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    title TEXT NOT NULL,
    slug TEXT NOT NULL,
    excerpt TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX post_revisions_post ON post_revisions (post_id, id);

ALTER TABLE products ADD COLUMN image_media_id INTEGER REFERENCES media (id) ON DELETE SET NULL;
CREATE INDEX products_image_media ON products (image_media_id);

-- Comment bodies rendered and sanitized once, when stored.
ALTER TABLE comments ADD COLUMN body_html TEXT NOT NULL DEFAULT '';
ALTER TABLE comments ADD COLUMN render_version INTEGER NOT NULL DEFAULT 0;

-- A disabled account cannot log in; its sessions end.
ALTER TABLE users ADD COLUMN disabled_at TIMESTAMP;

CREATE INDEX orders_status_created ON orders (status, created_at);
