package io.dbshift.localstack;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The workflow document's example database: {@code users(id, name, email unique, created_at)} and
 * {@code orders(id, user_id -> users, ...)}, seeded with generated rows. Some e-mails carry upper
 * case and surrounding blanks, so the Gravatar backfill's lower(trim(email)) has work to do.
 */
public final class ExampleTargets {
  private ExampleTargets() {}

  public static void create(LocalPostgres postgres, String database, int users) {
    postgres.recreateDatabase(database);
    try (Connection c = postgres.connect(database); Statement s = c.createStatement()) {
      s.execute("""
          CREATE TABLE users (
              id         bigserial   PRIMARY KEY,
              name       text        NOT NULL,
              email      text        NOT NULL UNIQUE,
              created_at timestamptz NOT NULL DEFAULT now()
          )""");
      s.execute("""
          CREATE TABLE orders (
              id          bigserial   PRIMARY KEY,
              user_id     bigint      NOT NULL REFERENCES users (id),
              total_cents integer     NOT NULL,
              created_at  timestamptz NOT NULL DEFAULT now()
          )""");
      s.execute("CREATE INDEX orders_user_id ON orders (user_id)");
      s.execute("""
          INSERT INTO users (name, email, created_at)
          SELECT 'User ' || g,
                 CASE WHEN g %% 7 = 0 THEN ' User' || g || '@Example.COM ' ELSE 'user' || g || '@example.com' END,
                 timestamptz '2023-06-01' + g * interval '1 minute'
          FROM generate_series(1, %d) AS g""".formatted(users));
      s.execute("""
          INSERT INTO orders (user_id, total_cents, created_at)
          SELECT 1 + (g::bigint * 7919) %% %d, 100 + (g::bigint * 37) %% 10000, timestamptz '2024-01-01' + g * interval '1 minute'
          FROM generate_series(1, %d) AS g""".formatted(users, users * 2));
      s.execute("VACUUM ANALYZE users");
      s.execute("VACUUM ANALYZE orders");
    } catch (SQLException e) {
      throw new IllegalStateException("could not seed " + database + ": " + e.getMessage(), e);
    }
  }
}
