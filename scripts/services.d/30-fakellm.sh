# The fake OpenAI-compatible LLM endpoint (tests/fake_llm/fake_llm.py) on a
# free 127.0.0.1 port. Publishes DOCTAG_TEST_LLM_URL=http://127.0.0.1:PORT/v1.
# Sourced by scripts/services.sh (free_port, wait_port, export_env).

fakellm_start() {
  local port
  port=$(free_port)
  /usr/bin/python3 "$DOCTAG_SOURCE_DIR/tests/fake_llm/fake_llm.py" "$port" \
    </dev/null >"$DOCTAG_SERVICES_DIR/fakellm.log" 2>&1 &
  echo $! > "$DOCTAG_SERVICES_DIR/fakellm.pid"
  wait_port "$port" 15
  export_env DOCTAG_TEST_LLM_URL "http://127.0.0.1:$port/v1"
}

fakellm_stop() {
  stop_pidfile fakellm
}
