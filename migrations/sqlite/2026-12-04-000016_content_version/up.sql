-- One number that every change to what readers see moves forward. Each node keeps rendered
-- page parts in memory for the version it last read here (src/db/content.rs).
CREATE TABLE content_version (
    id INTEGER PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO content_version (id, version) VALUES (1, 0);
