DROP TABLE session_grants;
