#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster for the tests and print its URL.
# Usage: eval "$(bash scripts/start-test-postgres.sh)"   (sets TALENTDESK_TEST_PG_URL)
# Needs Debian's postgresql package. As root the cluster runs as the 'postgres' user.
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$PGBIN" ]; then echo "echo 'PostgreSQL not installed: skipping PG tests' >&2"; exit 0; fi
PORT=${TALENTDESK_TEST_PG_PORT:-54329}
DIR=${TALENTDESK_TEST_PG_DIR:-/tmp/talentdesk-test-pg}
RUN=()
if [ "$(id -u)" = "0" ]; then RUN=(runuser -u postgres --); fi
if ! "${RUN[@]}" "$PGBIN/pg_ctl" -D "$DIR" status >/dev/null 2>&1; then
  rm -rf "$DIR"; mkdir -p "$DIR"
  [ "$(id -u)" = "0" ] && chown postgres "$DIR"
  "${RUN[@]}" "$PGBIN/initdb" -D "$DIR" -U talentdesk --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  "${RUN[@]}" "$PGBIN/pg_ctl" -D "$DIR" -o "-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" -l "$DIR/log" -w start >/dev/null
fi
echo "export TALENTDESK_TEST_PG_URL=postgresql+psycopg://talentdesk@127.0.0.1:$PORT/postgres"
