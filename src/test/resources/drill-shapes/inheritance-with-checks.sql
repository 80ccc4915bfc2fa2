CREATE TABLE parent (id int PRIMARY KEY, v int CHECK (v > 0), CONSTRAINT named CHECK (id > 0));
CREATE TABLE child (extra text, CHECK (extra <> '')) INHERITS (parent);
CREATE TABLE child2 (id int NOT NULL, v int, CONSTRAINT parent_v_check CHECK (v > 0), CONSTRAINT named CHECK (id > 0));
ALTER TABLE child2 INHERIT parent;
CREATE INDEX child_v ON child (v);
ALTER TABLE parent ADD CONSTRAINT nv CHECK (v < 1000) NOT VALID;
INSERT INTO parent VALUES (1, 1); INSERT INTO child VALUES (2, 2, 'x'); INSERT INTO child2 VALUES (3,3);
CREATE TABLE empty_one (a int);
