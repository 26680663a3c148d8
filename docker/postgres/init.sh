#!/usr/bin/env bash
# First start of the compose PostgreSQL: one control database per service, and the two example
# targets seeded from the same script the local stack uses.
set -euo pipefail
for db in dbshift_orchestrator dbshift_executor dbshift_verifier dbshift_notifier shop_staging shop_production; do
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres -c "CREATE DATABASE $db"
done
psql -v ON_ERROR_STOP=1 -v users=20000 --username "$POSTGRES_USER" --dbname shop_staging -f /dbshift/example-targets.sql
psql -v ON_ERROR_STOP=1 -v users=200000 --username "$POSTGRES_USER" --dbname shop_production -f /dbshift/example-targets.sql
