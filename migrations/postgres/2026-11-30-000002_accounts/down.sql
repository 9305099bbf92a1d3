DROP TABLE remember_tokens;
DROP TABLE password_resets;
DROP TABLE login_failures;
