# Debian's redis-server on a free 127.0.0.1 port with append-only persistence
# (the batch queue's items must survive a restart). Publishes
# DOCTAG_TEST_REDIS_URL=redis://127.0.0.1:PORT.
# Sourced by scripts/services.sh (free_port, wait_port, export_env).

redis_start() {
  local port dir=$DOCTAG_SERVICES_DIR/redis
  command -v redis-server >/dev/null || { echo "services: redis-server not installed, skipping" >&2; return 0; }
  port=$(free_port)
  mkdir -p "$dir"
  redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --appendonly yes \
    --save "" --daemonize no --protected-mode yes --logfile "$dir/redis.log" \
    </dev/null >/dev/null 2>&1 &
  echo $! > "$DOCTAG_SERVICES_DIR/redis.pid"
  wait_port "$port" 15
  export_env DOCTAG_TEST_REDIS_URL "redis://127.0.0.1:$port"
}

redis_stop() {
  stop_pidfile redis
}
