DROP INDEX comments_email_status;
DROP INDEX comments_post_email;
