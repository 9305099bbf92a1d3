-- One spelling of each email address for lookups and for uniqueness: the Unicode lower case
-- of the whole address, written by the app (accounts::email::normalize). SQLite's lower()
-- folds only ASCII, so "Ærin@…" and "ærin@…" were two accounts.
ALTER TABLE users ADD COLUMN email_normalized TEXT NOT NULL DEFAULT '';
-- Rows from before: lower() is the same function the old unique index used, so no two rows
-- collide here; the app re-normalises the rows it spells differently at start-up.
UPDATE users SET email_normalized = lower(email);
DROP INDEX users_email_lower;
CREATE UNIQUE INDEX users_email_normalized ON users (email_normalized);
