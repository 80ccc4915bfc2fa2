CREATE UNLOGGED TABLE ul (id int PRIMARY KEY); INSERT INTO ul VALUES (1);
CREATE TABLE src (id serial PRIMARY KEY, v bigserial);
INSERT INTO src DEFAULT VALUES;
CREATE SEQUENCE free_seq; SELECT nextval('free_seq');
CREATE SEQUENCE owned_seq OWNED BY src.id;
CREATE MATERIALIZED VIEW mv AS SELECT id FROM src; CREATE UNIQUE INDEX mv_id ON mv (id); CREATE INDEX mv_id2 ON mv (id);
CREATE MATERIALIZED VIEW mv_nodata AS SELECT 1 AS x WITH NO DATA;
SELECT lo_from_bytea(0, 'hello'); SELECT lo_create(0);
CREATE TABLE zero_rows (a int);
