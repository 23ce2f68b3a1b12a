-- FlywayIT: COPY ... FROM STDIN, which Flyway runs through pgjdbc's CopyManager (text format: tab-separated,
-- \N is NULL, \. ends the data). The quote in Côte d'Ivoire must not confuse Flyway's SQL parser.
COPY country (code, name, population) FROM STDIN;
NZ	New Zealand	5338500
CH	Schweiz/Suisse/Svizzera/Svizra	8888093
CI	Côte d'Ivoire	\N
\.
