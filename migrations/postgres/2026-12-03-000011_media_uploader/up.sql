-- The library and the editor's image list of an author show only their own uploads.
CREATE INDEX media_uploader ON media (uploaded_by, created_at);
