-- Plugin points: adds only its own tables, and can be applied again
-- A viewer's rank among a million in a few milliseconds: how many viewers of a server hold each
-- balance (level 0), each 1,024 points (level 1, balance >> 10) and each 1,048,576 points (level 2,
-- balance >> 20), kept in step with `user_points` by a statement trigger in the same transaction.
-- A rank sums at most ~3,000 rows: the level-2 buckets above, the level-1 buckets above within the
-- viewer's level-2 bucket, the balances above within their level-1 bucket.

CREATE TABLE IF NOT EXISTS point_rank_counts (
    discord_server_id BIGINT   NOT NULL,
    level             SMALLINT NOT NULL CHECK (level IN (0, 1, 2)),
    bucket            INTEGER  NOT NULL,
    viewers           INTEGER  NOT NULL,
    PRIMARY KEY (discord_server_id, level, bucket)
);

-- The changes of one statement, summed per (server, level, bucket), applied in key order (so two
-- statements lock shared rows in the same order); the rows they bring to 0 are removed. (Transition
-- tables exist per event, so each event has its statements.) Rows without a server (the old bot's,
-- after a legacy rollback) are left out; applying this migration again counts everything afresh.
CREATE OR REPLACE FUNCTION point_rank_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO point_rank_counts AS r (discord_server_id, level, bucket, viewers)
        SELECT * FROM (
            SELECT c.discord_server_id, b.level, b.bucket, sum(c.delta)::int AS delta
            FROM (SELECT discord_server_id, COALESCE(points, 0), 1 FROM new_rows WHERE discord_server_id IS NOT NULL) AS c (discord_server_id, points, delta)
            CROSS JOIN LATERAL (VALUES (0::smallint, c.points), (1::smallint, c.points >> 10), (2::smallint, c.points >> 20)) AS b (level, bucket)
            GROUP BY 1, 2, 3 HAVING sum(c.delta) <> 0
        ) AS summed ORDER BY 1, 2, 3
        ON CONFLICT (discord_server_id, level, bucket) DO UPDATE SET viewers = r.viewers + EXCLUDED.viewers;
        DELETE FROM point_rank_counts AS r
        WHERE r.viewers = 0 AND (r.discord_server_id, r.level, r.bucket) IN (
            SELECT c.discord_server_id, b.level, b.bucket
            FROM (SELECT discord_server_id, COALESCE(points, 0), 1 FROM new_rows WHERE discord_server_id IS NOT NULL) AS c (discord_server_id, points, delta)
            CROSS JOIN LATERAL (VALUES (0::smallint, c.points), (1::smallint, c.points >> 10), (2::smallint, c.points >> 20)) AS b (level, bucket)
        );
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO point_rank_counts AS r (discord_server_id, level, bucket, viewers)
        SELECT * FROM (
            SELECT c.discord_server_id, b.level, b.bucket, sum(c.delta)::int AS delta
            FROM (SELECT discord_server_id, COALESCE(points, 0), 1 FROM new_rows WHERE discord_server_id IS NOT NULL UNION ALL SELECT discord_server_id, COALESCE(points, 0), -1 FROM old_rows WHERE discord_server_id IS NOT NULL) AS c (discord_server_id, points, delta)
            CROSS JOIN LATERAL (VALUES (0::smallint, c.points), (1::smallint, c.points >> 10), (2::smallint, c.points >> 20)) AS b (level, bucket)
            GROUP BY 1, 2, 3 HAVING sum(c.delta) <> 0
        ) AS summed ORDER BY 1, 2, 3
        ON CONFLICT (discord_server_id, level, bucket) DO UPDATE SET viewers = r.viewers + EXCLUDED.viewers;
        DELETE FROM point_rank_counts AS r
        WHERE r.viewers = 0 AND (r.discord_server_id, r.level, r.bucket) IN (
            SELECT c.discord_server_id, b.level, b.bucket
            FROM (SELECT discord_server_id, COALESCE(points, 0), 1 FROM new_rows WHERE discord_server_id IS NOT NULL UNION ALL SELECT discord_server_id, COALESCE(points, 0), -1 FROM old_rows WHERE discord_server_id IS NOT NULL) AS c (discord_server_id, points, delta)
            CROSS JOIN LATERAL (VALUES (0::smallint, c.points), (1::smallint, c.points >> 10), (2::smallint, c.points >> 20)) AS b (level, bucket)
        );
    ELSE
        INSERT INTO point_rank_counts AS r (discord_server_id, level, bucket, viewers)
        SELECT * FROM (
            SELECT c.discord_server_id, b.level, b.bucket, sum(c.delta)::int AS delta
            FROM (SELECT discord_server_id, COALESCE(points, 0), -1 FROM old_rows WHERE discord_server_id IS NOT NULL) AS c (discord_server_id, points, delta)
            CROSS JOIN LATERAL (VALUES (0::smallint, c.points), (1::smallint, c.points >> 10), (2::smallint, c.points >> 20)) AS b (level, bucket)
            GROUP BY 1, 2, 3 HAVING sum(c.delta) <> 0
        ) AS summed ORDER BY 1, 2, 3
        ON CONFLICT (discord_server_id, level, bucket) DO UPDATE SET viewers = r.viewers + EXCLUDED.viewers;
        DELETE FROM point_rank_counts AS r
        WHERE r.viewers = 0 AND (r.discord_server_id, r.level, r.bucket) IN (
            SELECT c.discord_server_id, b.level, b.bucket
            FROM (SELECT discord_server_id, COALESCE(points, 0), -1 FROM old_rows WHERE discord_server_id IS NOT NULL) AS c (discord_server_id, points, delta)
            CROSS JOIN LATERAL (VALUES (0::smallint, c.points), (1::smallint, c.points >> 10), (2::smallint, c.points >> 20)) AS b (level, bucket)
        );
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION point_rank_counts_clear() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM point_rank_counts;
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS point_rank_counts_insert ON user_points;
CREATE TRIGGER point_rank_counts_insert AFTER INSERT ON user_points REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION point_rank_counts_follow();
DROP TRIGGER IF EXISTS point_rank_counts_update ON user_points;
CREATE TRIGGER point_rank_counts_update AFTER UPDATE ON user_points REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION point_rank_counts_follow();
DROP TRIGGER IF EXISTS point_rank_counts_delete ON user_points;
CREATE TRIGGER point_rank_counts_delete AFTER DELETE ON user_points REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION point_rank_counts_follow();
DROP TRIGGER IF EXISTS point_rank_counts_truncate ON user_points;
CREATE TRIGGER point_rank_counts_truncate AFTER TRUNCATE ON user_points
    FOR EACH STATEMENT EXECUTE FUNCTION point_rank_counts_clear();

-- Counted again from the balances (the same counts when applied again).
DELETE FROM point_rank_counts;
INSERT INTO point_rank_counts (discord_server_id, level, bucket, viewers)
SELECT u.discord_server_id, b.level, b.bucket, count(*)::int
FROM user_points AS u
CROSS JOIN LATERAL (VALUES (0::smallint, COALESCE(u.points, 0)), (1::smallint, COALESCE(u.points, 0) >> 10), (2::smallint, COALESCE(u.points, 0) >> 20)) AS b (level, bucket)
WHERE u.discord_server_id IS NOT NULL
GROUP BY 1, 2, 3;
