DROP INDEX comments_render_version;
DROP INDEX users_created;
DROP INDEX users_role_created;
