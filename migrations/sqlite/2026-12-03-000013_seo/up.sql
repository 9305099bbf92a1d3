-- When a product was last saved in the back office: the sitemap's lastmod. Products saved
-- before this column existed count from their creation.
ALTER TABLE products ADD COLUMN updated_at TIMESTAMP;
UPDATE products SET updated_at = created_at;
