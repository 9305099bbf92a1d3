-- Row 2 of content_version: the people version. Every change to accounts, logins and carts
-- moves it forward, by trigger, whoever makes it (a node, a CLI command, an import). Each
-- node keeps who a login belongs to and their mini-cart in memory for the version it last
-- read here (src/web/layout.rs, HeaderCache), so a logged-in page needs no database.
INSERT INTO content_version (id, version) VALUES (2, 0);

CREATE TRIGGER users_people_insert AFTER INSERT ON users
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 2; END;
CREATE TRIGGER users_people_update AFTER UPDATE ON users
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 2; END;
CREATE TRIGGER users_people_delete AFTER DELETE ON users
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 2; END;

CREATE TRIGGER session_grants_people_insert AFTER INSERT ON session_grants
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 2; END;
CREATE TRIGGER session_grants_people_update AFTER UPDATE ON session_grants
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 2; END;
CREATE TRIGGER session_grants_people_delete AFTER DELETE ON session_grants
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 2; END;

CREATE TRIGGER carts_people_insert AFTER INSERT ON carts
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 2; END;
CREATE TRIGGER carts_people_update AFTER UPDATE ON carts
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 2; END;
CREATE TRIGGER carts_people_delete AFTER DELETE ON carts
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 2; END;

CREATE TRIGGER cart_items_people_insert AFTER INSERT ON cart_items
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 2; END;
CREATE TRIGGER cart_items_people_update AFTER UPDATE ON cart_items
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 2; END;
CREATE TRIGGER cart_items_people_delete AFTER DELETE ON cart_items
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 2; END;
