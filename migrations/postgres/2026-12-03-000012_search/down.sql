DROP INDEX products_search;
ALTER TABLE products DROP COLUMN search_vector;
DROP INDEX posts_search;
ALTER TABLE posts DROP COLUMN search_vector;
ALTER TABLE posts DROP COLUMN body_text;
