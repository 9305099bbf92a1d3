-- The back office's people pages: the users list is sorted by registration and filtered by
-- role; start-up looks for comments whose HTML was rendered by older rules.
CREATE INDEX users_role_created ON users (role, created_at);
CREATE INDEX users_created ON users (created_at);
CREATE INDEX comments_render_version ON comments (render_version);
