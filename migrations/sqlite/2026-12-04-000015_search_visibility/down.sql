DROP INDEX posts_search_visibility;
DROP INDEX products_search_visibility;
