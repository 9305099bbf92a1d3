DROP INDEX comments_user;
DROP INDEX comments_email_time;
DROP INDEX comments_ip_time;
ALTER TABLE comments DROP COLUMN user_agent;
ALTER TABLE comments DROP COLUMN ip_hash;
ALTER TABLE comments DROP COLUMN depth;
