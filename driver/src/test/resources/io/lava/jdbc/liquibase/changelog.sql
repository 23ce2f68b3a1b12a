--liquibase formatted sql

-- LiquibaseIT, LiquibaseCliIT: a formatted-SQL changelog, each changeset with its rollback.

--changeset lava:1
CREATE TABLE country (
    code char(2) PRIMARY KEY,
    name text    NOT NULL
);
--rollback DROP TABLE country;

--changeset lava:2
INSERT INTO country (code, name) VALUES ('NZ', 'New Zealand'), ('CI', 'Côte d''Ivoire');
--rollback DELETE FROM country WHERE code IN ('NZ', 'CI');

--changeset lava:3
-- who ran the changelog, as PostgreSQL saw the session
CREATE TABLE migration_session AS
SELECT current_user AS who, current_setting('application_name') AS application_name;
--rollback DROP TABLE migration_session;
