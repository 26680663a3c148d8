-- The workflow document's example database: users(id, name, email unique, created_at) and
-- orders(id, user_id -> users, ...). Some e-mails carry upper case and surrounding blanks, so the
-- Gravatar backfill's lower(trim(email)) has work to do. :users is the number of users (psql
-- variable in docker-compose; replaced textually by the local stack).
CREATE TABLE users (
    id         bigserial   PRIMARY KEY,
    name       text        NOT NULL,
    email      text        NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE orders (
    id          bigserial   PRIMARY KEY,
    user_id     bigint      NOT NULL REFERENCES users (id),
    total_cents integer     NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_user_id ON orders (user_id);
INSERT INTO users (name, email, created_at)
SELECT 'User ' || g,
       CASE WHEN g % 7 = 0 THEN ' User' || g || '@Example.COM ' ELSE 'user' || g || '@example.com' END,
       timestamptz '2023-06-01' + g * interval '1 minute'
FROM generate_series(1, :users) AS g;
INSERT INTO orders (user_id, total_cents, created_at)
SELECT 1 + (g::bigint * 7919) % :users, 100 + (g::bigint * 37) % 10000, timestamptz '2024-01-01' + g * interval '1 minute'
FROM generate_series(1, 2 * :users) AS g;
VACUUM ANALYZE users;
VACUUM ANALYZE orders;
