DROP INDEX media_uploader;
