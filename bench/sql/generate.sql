-- Deterministic text/JSON-heavy benchmark data. Run with psql -v units=N; every unit adds about
-- 1 MB of plain pg_dump output (calibrated on PostgreSQL 15). Text is built from a Zipf-distributed
-- vocabulary of pseudo-words, so gzip compresses it like prose (~3-4x), not like repeats (100x).
\set ON_ERROR_STOP 1
SET max_parallel_workers_per_gather = 0;  -- random() stays deterministic in one backend
SET synchronous_commit = off;
SET enable_hashjoin = off;  -- one index probe per pick, not a hash of the table per row
SET enable_mergejoin = off;
SELECT setseed(0.4242);

-- 6,000 pseudo-words of 1-5 syllables; word i is the i-th most frequent.
CREATE TABLE vocab AS
SELECT w.id,
       (SELECT string_agg(
                 (ARRAY['ka','to','re','lin','mar','es','an','qu','ist','ion','de','ver','pol','ti',
                        'sa','mon','el','ur','ba','ne','cho','ri','gar','fe','lo','str','ath','ing',
                        'or','un','pe','di','ham','wel','ty','co','ber','ax','im','sol'])
                   [1 + floor(random() * 40)::int], '')
          FROM generate_series(1, 1 + (w.id % 4) + (random() < 0.3)::int) s
         WHERE w.id > 0) AS w
  FROM generate_series(1, 6000) AS w(id);

-- 20,000 paragraphs of 12-140 words (Zipf-like pick: index = N * r^4), some with numbers/urls.
CREATE UNIQUE INDEX ON vocab (id);
ANALYZE vocab;
CREATE TABLE para AS
SELECT p.id,
       (SELECT string_agg(
                 CASE WHEN random() < 0.02 THEN (floor(random() * 100000))::text
                      WHEN random() < 0.01 THEN 'https://example.com/' || substr(md5(random()::text), 1, 10)
                      ELSE v.w END, ' ' ORDER BY s.k)
          FROM (SELECT k, 1 + floor(6000 * power(random(), 4))::int AS vid
                  FROM generate_series(1, 12 + floor(random() * 129)::int + p.id * 0) k) s
          JOIN vocab v ON v.id = s.vid) || '.' AS txt
  FROM generate_series(0, 19999) AS p(id);
CREATE UNIQUE INDEX ON para (id);
ANALYZE para;

CREATE TABLE articles (
  id bigint PRIMARY KEY,
  title text NOT NULL,
  author text NOT NULL,
  created_at timestamptz NOT NULL,
  tags text[] NOT NULL,
  body text NOT NULL
);
CREATE TABLE comments (
  id bigint PRIMARY KEY,
  article_id bigint NOT NULL,
  created_at timestamptz NOT NULL,
  body text NOT NULL
);
CREATE TABLE events (
  id bigint PRIMARY KEY,
  occurred_at timestamptz NOT NULL,
  kind text NOT NULL,
  payload jsonb NOT NULL
);

-- articles: ~50 % of the dump. 1-9 paragraphs each (mean ~3.3 KB).
INSERT INTO articles
SELECT i,
       initcap(substr(pa.txt, 1, (20 + i % 60)::int)),
       'author_' || (i % 5000),
       timestamptz '2020-01-01 00:00:00+00' + (i * interval '37 seconds'),
       ARRAY['t' || (i % 97), 't' || (i % 13), 't' || (i % 7)],
       (SELECT string_agg(p.txt, E'\n\n' ORDER BY k)
          FROM generate_series(1, (1 + i * 7 % 9)::int) k
          JOIN para p ON p.id = (i * 7919 + k * 104729) % 20000)
  FROM generate_series(1::bigint, :units::bigint * 170) i
  JOIN para pa ON pa.id = (i * 31) % 20000;

-- comments: ~15 %. One shortened paragraph each.
INSERT INTO comments
SELECT i,
       1 + (i * 13) % (:units * 170),
       timestamptz '2020-01-01 00:00:00+00' + (i * interval '11 seconds'),
       substr(p.txt, (1 + i % 40)::int, (60 + i * 17 % 500)::int)
  FROM generate_series(1::bigint, :units::bigint * 560) i
  JOIN para p ON p.id = (i * 6007) % 20000;

-- events: ~35 %. jsonb with a fixed shape, ids, hashes, numbers and a short note.
INSERT INTO events
SELECT i,
       timestamptz '2021-01-01 00:00:00+00' + (i * interval '3 seconds'),
       (ARRAY['page_view','click','signup','purchase','search','logout'])[(1 + i % 6)::int],
       jsonb_build_object(
         'user_id', (i * 7) % 200000,
         'session', md5(i::text),
         'ip', '10.' || (i % 256) || '.' || (i * 7 % 256) || '.' || (i * 13 % 256),
         'ua', (ARRAY['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
                      'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15',
                      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148',
                      'curl/8.4.0'])[(1 + i % 4)::int],
         'amount', round((random() * 1000)::numeric, 2),
         'items', jsonb_build_array(
                    jsonb_build_object('sku', 'SKU-' || (i * 31 % 50000), 'qty', 1 + i % 5),
                    jsonb_build_object('sku', 'SKU-' || (i * 37 % 50000), 'qty', 1 + i % 3)),
         'note', substr(p.txt, 1, (40 + i * 13 % 300)::int))
  FROM generate_series(1::bigint, :units::bigint * 620) i
  JOIN para p ON p.id = (i * 3571) % 20000;

DROP TABLE para;
DROP TABLE vocab;
CHECKPOINT;
