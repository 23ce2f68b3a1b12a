-- FlywayIT: a plain DDL migration.
CREATE TABLE country (
    code       char(2) PRIMARY KEY,
    name       text    NOT NULL,
    population bigint
);
