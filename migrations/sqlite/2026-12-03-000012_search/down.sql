DROP TRIGGER search_products_delete;
DROP TRIGGER search_products_update;
DROP TRIGGER search_products_insert;
DROP TRIGGER search_posts_delete;
DROP TRIGGER search_posts_update;
DROP TRIGGER search_posts_insert;
DROP TABLE search_products;
DROP TABLE search_posts;
ALTER TABLE posts DROP COLUMN body_text;
