-- The queries behind the pages bench/growth.sh measures, as the app sends them (bound
-- values written in), for EXPLAIN QUERY PLAN on the large SQLite site. Each must search an
-- index; none may SCAN a table or sort what an index already orders.
.print '-- home: count, then page 5,000 of ids (sticky first)'
EXPLAIN QUERY PLAN SELECT COUNT(*) FROM posts WHERE kind = 'post' AND status = 'published' AND published_at <= '2100-01-01 00:00:00';
EXPLAIN QUERY PLAN SELECT id FROM posts WHERE kind = 'post' AND status = 'published' AND published_at <= '2100-01-01 00:00:00' ORDER BY sticky DESC, published_at DESC, id DESC LIMIT 10 OFFSET 49990;
.print '-- category archive, page 2,000'
EXPLAIN QUERY PLAN SELECT id FROM posts WHERE kind = 'post' AND status = 'published' AND published_at <= '2100-01-01 00:00:00' AND id IN (SELECT post_id FROM post_categories WHERE category_id = 2) ORDER BY published_at DESC, id DESC LIMIT 10 OFFSET 19990;
.print '-- comment counts of the cards on a listing page'
EXPLAIN QUERY PLAN SELECT post_id, COUNT(*) FROM comments WHERE post_id IN (1, 2, 3, 4, 5, 6, 7, 8, 9, 10) AND status = 'approved' GROUP BY post_id;
.print '-- an article''s approved comments, oldest first'
EXPLAIN QUERY PLAN SELECT id, parent_id FROM comments WHERE post_id = 1 AND status = 'approved' ORDER BY created_at ASC, id ASC;
.print '-- shop: count, then the last page by name'
EXPLAIN QUERY PLAN SELECT COUNT(*) FROM products WHERE published = 1;
EXPLAIN QUERY PLAN SELECT id FROM products WHERE published = 1 ORDER BY name, id LIMIT 24 OFFSET 9984;
.print '-- a new comment: duplicate check, approved before, flood check'
EXPLAIN QUERY PLAN SELECT EXISTS (SELECT 1 FROM comments WHERE body_digest = 42 AND post_id = 1 AND body = 'x' AND status <> 'trash' AND author_email = 'a@example.com');
EXPLAIN QUERY PLAN SELECT EXISTS (SELECT 1 FROM comments WHERE author_name = 'A' AND author_email = 'a@example.com' AND status = 'approved');
EXPLAIN QUERY PLAN SELECT MAX(created_at) FROM comments WHERE ip_hash = 'h';
