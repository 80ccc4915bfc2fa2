CREATE EXTENSION hstore; CREATE EXTENSION citext; CREATE EXTENSION pg_trgm; CREATE EXTENSION btree_gist; CREATE EXTENSION ltree; CREATE EXTENSION cube; CREATE EXTENSION postgres_fdw; CREATE EXTENSION file_fdw; CREATE EXTENSION pgcrypto; CREATE EXTENSION "uuid-ossp"; CREATE EXTENSION earthdistance; CREATE EXTENSION intarray; CREATE EXTENSION isn; CREATE EXTENSION seg; CREATE EXTENSION tablefunc; CREATE EXTENSION unaccent; CREATE EXTENSION fuzzystrmatch; CREATE EXTENSION pg_stat_statements; CREATE EXTENSION lo; CREATE EXTENSION bloom; CREATE EXTENSION btree_gin;
CREATE TABLE docs (id int PRIMARY KEY, h hstore, e citext UNIQUE, t text, path ltree, c cube, room int, during tsrange, tags int[], 
  EXCLUDE USING gist (room WITH =, during WITH &&));
CREATE INDEX docs_trgm_gin ON docs USING gin (t gin_trgm_ops);
CREATE INDEX docs_trgm_gist ON docs USING gist (t gist_trgm_ops);
CREATE INDEX docs_path ON docs USING gist (path);
CREATE INDEX docs_h ON docs USING gin (h);
CREATE INDEX docs_bloom ON docs USING bloom (id);
CREATE INDEX docs_tags ON docs USING gin (tags gin__int_ops);
INSERT INTO docs VALUES (1, 'a=>1', 'X', 'hello', 'a.b', '(1,2)', 1, '[2025-01-01,2025-01-02)', '{1,2}');
CREATE SERVER loop FOREIGN DATA WRAPPER postgres_fdw OPTIONS (dbname 'postgres');
CREATE USER MAPPING FOR CURRENT_USER SERVER loop;
CREATE FOREIGN TABLE remote_db (datname name) SERVER loop OPTIONS (schema_name 'pg_catalog', table_name 'pg_database');
CREATE SERVER files FOREIGN DATA WRAPPER file_fdw;
CREATE FOREIGN TABLE host (line text) SERVER files OPTIONS (filename '/etc/hostname');
CREATE TABLE with_lo (id int, l lo);
CREATE TRIGGER t_lo BEFORE UPDATE OR DELETE ON with_lo FOR EACH ROW EXECUTE FUNCTION lo_manage(l);
