# PostgreSQL 15 (Debian's server) in a temporary cluster, run as the
# `postgres` user, listening on a free 127.0.0.1 port only, its unix socket
# in the cluster's own directory. Publishes:
#   DOCTAG_TEST_POSTGRES_URL      postgresql://postgres@127.0.0.1:PORT/postgres
#                                 (trust auth; tests create their own databases)
#   DOCTAG_TEST_POSTGRES_RESTART  a command that restarts the server (fast
#                                 shutdown: every connection is cut), for the
#                                 reconnect tests
# Sourced by scripts/services.sh (free_port, wait_port, export_env).

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

# Runs a command as the postgres user (postgres refuses to run as root).
pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

postgres_start() {
  if [ ! -x "$PG_BIN/initdb" ]; then
    echo "services: $PG_BIN/initdb missing (apt-get install postgresql)" >&2
    return 1
  fi
  local dir port
  # The cluster lives outside the services directory, which may be
  # readable by its creator only.
  dir=$(mktemp -d /tmp/doctag-pg.XXXXXX)
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  echo "$dir" > "$DOCTAG_SERVICES_DIR/postgres.dir"
  port=$(free_port)
  # C.UTF-8: the text-search parser classifies characters by Unicode
  # (Devanagari letters and vowel signs are word characters, the danda and
  # curly quotes are punctuation).
  pg_as_owner "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 \
    --locale=C.UTF-8 -N >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; return 1; }
  pg_as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off -c max_connections=200" \
    start >/dev/null || { cat "$dir/postgres.log" >&2; return 1; }
  wait_port "$port" 30
  cat > "$dir/restart.sh" <<SH
#!/bin/sh
# Restarts the test PostgreSQL (fast shutdown: open connections are cut).
if [ "\$(id -u)" -eq 0 ]; then
  exec runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w -t 60 restart >/dev/null
else
  exec "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w -t 60 restart >/dev/null
fi
SH
  chmod 755 "$dir/restart.sh"
  export_env DOCTAG_TEST_POSTGRES_URL "postgresql://postgres@127.0.0.1:$port/postgres"
  export_env DOCTAG_TEST_POSTGRES_RESTART "$dir/restart.sh"
}

postgres_stop() {
  local f=$DOCTAG_SERVICES_DIR/postgres.dir dir
  [ -f "$f" ] || return 0
  dir=$(cat "$f")
  if [ -d "$dir/data" ]; then
    pg_as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 ||
      pg_as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  cp "$dir/postgres.log" "$DOCTAG_SERVICES_DIR/postgres.log" 2>/dev/null || true
  rm -rf "$dir"
  rm -f "$f"
}
