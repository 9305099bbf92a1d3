DROP TRIGGER users_people ON users;
DROP TRIGGER session_grants_people ON session_grants;
DROP TRIGGER carts_people ON carts;
DROP TRIGGER cart_items_people ON cart_items;
DROP FUNCTION bump_people_version();
DELETE FROM content_version WHERE id = 2;
