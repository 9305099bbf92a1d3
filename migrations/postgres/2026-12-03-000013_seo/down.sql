ALTER TABLE products DROP COLUMN updated_at;
