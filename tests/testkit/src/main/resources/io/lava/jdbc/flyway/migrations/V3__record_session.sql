-- FlywayIT: who ran the migrations, as PostgreSQL saw the session.
CREATE TABLE migration_session AS
SELECT current_user AS who, current_setting('application_name') AS application_name;
