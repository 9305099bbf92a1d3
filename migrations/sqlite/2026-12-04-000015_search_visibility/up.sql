-- Search reads the visibility of up to a window of matches by id. These columns were added
-- after the bodies, so reading them from the row walks past the bodies' overflow pages;
-- covering indexes answer from a few small pages instead (src/search/sqlite.rs).
CREATE UNIQUE INDEX posts_search_visibility ON posts (id, status, kind, published_at, password);
CREATE UNIQUE INDEX products_search_visibility ON products (id, published, created_at);
