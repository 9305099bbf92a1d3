-- Row 2 of content_version: the people version. Every change to accounts, logins and carts
-- moves it forward, by trigger, whoever makes it (a node, a CLI command, an import). Each
-- node keeps who a login belongs to and their mini-cart in memory for the version it last
-- read here (src/web/layout.rs, HeaderCache), so a logged-in page needs no database.
-- The row is updated in the writer's transaction, so no node sees the new version before
-- the change itself is visible.
INSERT INTO content_version (id, version) VALUES (2, 0);

CREATE FUNCTION bump_people_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE content_version SET version = version + 1 WHERE id = 2;
    RETURN NULL;
END
$$;

CREATE TRIGGER users_people AFTER INSERT OR UPDATE OR DELETE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION bump_people_version();
CREATE TRIGGER session_grants_people AFTER INSERT OR UPDATE OR DELETE ON session_grants
    FOR EACH STATEMENT EXECUTE FUNCTION bump_people_version();
CREATE TRIGGER carts_people AFTER INSERT OR UPDATE OR DELETE ON carts
    FOR EACH STATEMENT EXECUTE FUNCTION bump_people_version();
CREATE TRIGGER cart_items_people AFTER INSERT OR UPDATE OR DELETE ON cart_items
    FOR EACH STATEMENT EXECUTE FUNCTION bump_people_version();
