#!/usr/bin/env bash
# Start a throwaway PostgreSQL server on loopback for the test suite; prints its SQLAlchemy URL.
# Usage: eval "$(bash .ci/postgres.sh start)" ; ... ; bash .ci/postgres.sh stop
set -euo pipefail
PGDATA_DIR=${PGDATA_DIR:-/tmp/descent-pg}
PGPORT=${PGPORT:-55432}
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
case "${1:-start}" in
  start)
    rm -rf "$PGDATA_DIR" && mkdir -p "$PGDATA_DIR"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$PGDATA_DIR"
    as_pg "$BIN/initdb -D $PGDATA_DIR -A trust -U postgres >/dev/null"
    as_pg "$BIN/pg_ctl -D $PGDATA_DIR -o '-h 127.0.0.1 -p $PGPORT -k $PGDATA_DIR' -l $PGDATA_DIR/log -w start >/dev/null"
    echo "export DESCENT_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:$PGPORT/postgres"
    ;;
  stop)
    as_pg "$BIN/pg_ctl -D $PGDATA_DIR -m fast stop >/dev/null" || true
    ;;
esac
