#!/usr/bin/env bash
# Makes sure PostgreSQL server binaries (initdb, pg_ctl) are installed; the local stack and the
# tests start throwaway clusters from them. Installs Debian's postgresql package when they are
# missing and this is root on a Debian-like system; otherwise says what to do.
set -euo pipefail

if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  exit 0
fi
if [ -n "${DBSHIFT_PG_HOST:-}" ]; then
  exit 0   # an existing server is configured: no binaries needed
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "PostgreSQL server binaries are missing: installing them (apt-get install postgresql)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q postgresql
  exit 0
fi
echo "dbshift needs PostgreSQL server binaries under /usr/lib/postgresql/<version>/bin." >&2
echo "Install them (Debian/Ubuntu: sudo apt-get install postgresql), or point dbshift at a" >&2
echo "running server with DBSHIFT_PG_HOST, DBSHIFT_PG_PORT, DBSHIFT_PG_USER and DBSHIFT_PG_PASSWORD." >&2
exit 1
