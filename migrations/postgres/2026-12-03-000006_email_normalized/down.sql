DROP INDEX users_email_normalized;
CREATE UNIQUE INDEX users_email_lower ON users (lower(email));
ALTER TABLE users DROP COLUMN email_normalized;
