-- Full-text search over posts, pages and products (src/search/).

-- A post's body as the text a reader sees (the app writes it with body_html; see
-- search::plain_text). Until then the Markdown source stands in; render_version 0 makes
-- the next start render every body again, which writes the real plain text.
ALTER TABLE posts ADD COLUMN body_text TEXT NOT NULL DEFAULT '';
UPDATE posts SET body_text = body, render_version = 0;

-- The indexes hold every row, whatever its status: what is visible is decided when
-- searching, so a scheduled post is found once its time comes without reindexing.
CREATE VIRTUAL TABLE search_posts USING fts5(
    title, excerpt, body,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
INSERT INTO search_posts (rowid, title, excerpt, body)
    SELECT id, title, excerpt, body_text FROM posts;

CREATE VIRTUAL TABLE search_products USING fts5(
    name, sku, short_description, description,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
INSERT INTO search_products (rowid, name, sku, short_description, description)
    SELECT id, name, sku, short_description, description FROM products;

-- Kept in step by the database itself, so no write path can forget it.
CREATE TRIGGER search_posts_insert AFTER INSERT ON posts BEGIN
    INSERT INTO search_posts (rowid, title, excerpt, body)
        VALUES (new.id, new.title, new.excerpt, new.body_text);
END;
CREATE TRIGGER search_posts_update AFTER UPDATE OF title, excerpt, body_text ON posts BEGIN
    DELETE FROM search_posts WHERE rowid = old.id;
    INSERT INTO search_posts (rowid, title, excerpt, body)
        VALUES (new.id, new.title, new.excerpt, new.body_text);
END;
CREATE TRIGGER search_posts_delete AFTER DELETE ON posts BEGIN
    DELETE FROM search_posts WHERE rowid = old.id;
END;

CREATE TRIGGER search_products_insert AFTER INSERT ON products BEGIN
    INSERT INTO search_products (rowid, name, sku, short_description, description)
        VALUES (new.id, new.name, new.sku, new.short_description, new.description);
END;
CREATE TRIGGER search_products_update
    AFTER UPDATE OF name, sku, short_description, description ON products BEGIN
    DELETE FROM search_products WHERE rowid = old.id;
    INSERT INTO search_products (rowid, name, sku, short_description, description)
        VALUES (new.id, new.name, new.sku, new.short_description, new.description);
END;
CREATE TRIGGER search_products_delete AFTER DELETE ON products BEGIN
    DELETE FROM search_products WHERE rowid = old.id;
END;
