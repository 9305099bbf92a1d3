DROP TABLE comments;
DROP TABLE post_tags;
DROP TABLE posts;
DROP TABLE tags;
DROP TABLE categories;
DROP TABLE settings;
DROP TABLE users;
