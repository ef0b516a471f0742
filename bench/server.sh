#!/bin/bash
# The Kore server against reference tools, measured in turn in one run
# (issue 6). Prints ratios; timings never go in tests.
#
#  1. GET /api/status: wrk against doctag-server, then against nginx serving
#     the same JSON from a file, alternating ROUNDS times.
#     Goal: doctag >= 1.0x nginx's requests per second.
#  2. GET /api/auth/me with a valid token, same nginx reference.
#     Goal: >= 0.2x nginx.
#  3. 500 WebSocket clients on one batch: every client receives every event.
#  4. Single-document latency: POST /api/single/process of a text PDF with
#     the offline tagger against `doctag process --model local` of the same
#     file. Goal: <= 1.2x.
#  5. /api/status latency while two OCR jobs run. Goal: max under 50 ms.
#
# Usage: bench/server.sh
# Environment: BUILD (default build), DOCTAG_SHARED_CORPUS (default ../shared/corpus), ROUNDS (default 3), DURATION (wrk
#   seconds, default 8), CONNECTIONS (default 64), WS_CLIENTS (default 500),
#   RUNS (latency runs, default 15).
# Exit status: 0 every goal met, 1 a goal missed, 2 cannot run.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build}
rounds=${ROUNDS:-3}
duration=${DURATION:-8}
conns=${CONNECTIONS:-64}
ws_clients=${WS_CLIENTS:-500}
runs=${RUNS:-15}
server_bin=$build/bin/doctag-server
cli=$build/bin/doctag
for t in wrk nginx curl; do
  command -v "$t" >/dev/null || { echo "server.sh: $t is not installed" >&2; exit 2; }
done
[ -x "$server_bin" ] || { echo "server.sh: no $server_bin (build first)" >&2; exit 2; }
corpus=""
for c in ${DOCTAG_SHARED_CORPUS:-} "$root/../shared/corpus" "$build/fixtures"; do
  if [ -f "$c/manifest.json" ]; then corpus=$(cd "$c" && pwd); break; fi
done
[ -n "$corpus" ] || { echo "server.sh: no corpus" >&2; exit 2; }

work=$(mktemp -d /tmp/doctag-bench-server.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
unset OPENROUTER_API_KEY DOCTAG_LLM_BASE_URL DOCTAG_DATABASE_URL DOCTAG_REDIS_URL
export OMP_THREAD_LIMIT=1

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cores=$(getconf _NPROCESSORS_ONLN)
status_json='{"status":"ok","service":"document-meta-tagging-api"}'

# nginx with the same number of worker processes as kore, serving the JSON
# from a file.
ngx_port=$(free_port)
mkdir -p "$work/nginx/logs" "$work/nginx/html/api"
# nginx's workers run as an unprivileged user when started as root.
chmod 755 "$work" "$work/nginx" "$work/nginx/html" "$work/nginx/html/api"
printf '%s' "$status_json" > "$work/nginx/html/api/status"
printf '%s' '{"id":"x","email":"x@example.com","full_name":null,"is_active":true,"is_verified":false,"created_at":"x"}' \
  > "$work/nginx/html/api/me"
chmod 644 "$work/nginx/html/api/status" "$work/nginx/html/api/me"
cat > "$work/nginx/nginx.conf" <<EOF
worker_processes $cores;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  default_type application/json;
  server {
    listen 127.0.0.1:$ngx_port;
    root $work/nginx/html;
    location / { try_files \$uri =404; }
  }
}
EOF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' 2>"$work/nginx/stderr" &
pids+=($!)

# doctag-server on embedded defaults with its own batch workers.
port=$(free_port)
DOCTAG_DATA_DIR=$work/data DOCTAG_LISTEN=127.0.0.1:$port DOCTAG_ALLOWED_ROOTS=$corpus DOCTAG_HTTP_WORKERS=$cores \
  "$server_bin" > "$work/server.log" 2>&1 &
pids+=($!)
base=http://127.0.0.1:$port
for _ in $(seq 100); do curl -sf -o /dev/null "$base/api/status" && break; sleep 0.1; done
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$ngx_port/api/status" && break; sleep 0.1; done
curl -sf -o /dev/null "http://127.0.0.1:$ngx_port/api/status" || { echo "server.sh: nginx did not start" >&2; exit 2; }

email="bench-$RANDOM@example.com"
curl -sf -o /dev/null -X POST "$base/api/auth/register" -d "{\"email\":\"$email\",\"password\":\"bench-password\"}"
token=$(curl -sf -X POST "$base/api/auth/login" -d "{\"email\":\"$email\",\"password\":\"bench-password\"}" |
  /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["tokens"]["access_token"])')

rps() { # URL [header] -> requests/s
  local out
  if [ -n "${2:-}" ]; then
    out=$(wrk -t2 -c"$conns" -d"${duration}s" -H "$2" "$1")
  else
    out=$(wrk -t2 -c"$conns" -d"${duration}s" "$1")
  fi
  if grep -q "Non-2xx" <<<"$out"; then echo "server.sh: errors from $1" >&2; echo "$out" >&2; exit 2; fi
  awk '/Requests\/sec/ {print $2}' <<<"$out"
}
ratio() { /usr/bin/python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f}')" "$1" "$2"; }
sum() { /usr/bin/python3 -c "import sys; print(sum(float(x) for x in sys.argv[1:]))" "$@"; }
meets() { /usr/bin/python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) $2 float(sys.argv[3]) else 1)" "$1" "$2" "$3"; }
status=0
verdict() { if meets "$1" "$2" "$3"; then echo "goal $2 $3: met"; else echo "goal $2 $3: MISSED"; status=1; fi; }

echo "== 1. GET /api/status, wrk -c$conns ${duration}s x $rounds rounds, $cores kore workers vs $cores nginx workers"
d_all=(); n_all=()
for r in $(seq "$rounds"); do
  n=$(rps "http://127.0.0.1:$ngx_port/api/status"); d=$(rps "$base/api/status")
  echo "round $r: nginx $n req/s, doctag $d req/s"
  n_all+=("$n"); d_all+=("$d")
done
r1=$(ratio "$(sum "${d_all[@]}")" "$(sum "${n_all[@]}")")
echo "doctag / nginx = $r1"; verdict "$r1" ">=" 1.0

echo "== 2. GET /api/auth/me with a valid token"
d_all=(); n_all=()
for r in $(seq "$rounds"); do
  n=$(rps "http://127.0.0.1:$ngx_port/api/me"); d=$(rps "$base/api/auth/me" "Authorization: Bearer $token")
  echo "round $r: nginx $n req/s, doctag $d req/s"
  n_all+=("$n"); d_all+=("$d")
done
r2=$(ratio "$(sum "${d_all[@]}")" "$(sum "${n_all[@]}")")
echo "doctag / nginx = $r2"; verdict "$r2" ">=" 0.2

echo "== 3. $ws_clients WebSocket clients on one batch"
if /usr/bin/python3 "$root/bench/ws_clients.py" "$base" "$token" "$corpus" "$ws_clients"; then
  echo "goal: every client got every event: met"
else
  echo "goal: every client got every event: MISSED"; status=1
fi

echo "== 4. single-document latency, text PDF, offline tagger ($runs runs each, in turn)"
pdf=$corpus/text/en_invoice.pdf
DOCTAG_DATA_DIR=$work/cli "$cli" process --model local "$pdf" >/dev/null
curl -sf -o /dev/null -H "Authorization: Bearer $token" -F 'config={"model_name":"local"}' -F "pdf_file=@$pdf" \
  "$base/api/single/process"
t_srv=(); t_cli=()
for _ in $(seq "$runs"); do
  t0=$(date +%s%N)
  curl -sf -o /dev/null -H "Authorization: Bearer $token" -F 'config={"model_name":"local"}' -F "pdf_file=@$pdf" \
    "$base/api/single/process"
  t1=$(date +%s%N)
  DOCTAG_DATA_DIR=$work/cli "$cli" process --model local "$pdf" >/dev/null
  t2=$(date +%s%N)
  t_srv+=($(( (t1 - t0) / 1000 ))); t_cli+=($(( (t2 - t1) / 1000 )))
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ms=$(median "${t_srv[@]}"); mc=$(median "${t_cli[@]}")
r4=$(ratio "$ms" "$mc")
echo "median: server $((ms / 1000)) ms, doctag process $((mc / 1000)) ms, ratio $r4"; verdict "$r4" "<=" 1.2

echo "== 5. /api/status while two OCR jobs run"
scan=$corpus/scanned/bench_en_20p.pdf
[ -f "$scan" ] || scan=$(ls "$corpus"/scanned/*.pdf | head -1)
for _ in 1 2; do
  curl -s -o /dev/null -m 600 -H "Authorization: Bearer $token" -F 'config={"model_name":"local","num_pages":10}' \
    -F "pdf_file=@$scan" "$base/api/single/process" &
  pids+=($!)
done
sleep 2
lat=()
for _ in $(seq 100); do
  lat+=($(curl -s -o /dev/null -w '%{time_total}' "$base/api/status"))
  sleep 0.05
done
read -r med max < <(/usr/bin/python3 -c "import statistics,sys; v=[float(x)*1000 for x in sys.argv[1:]]; print(f'{statistics.median(v):.1f} {max(v):.1f}')" "${lat[@]}")
echo "/api/status under OCR load: median $med ms, max $max ms"; verdict "$max" "<" 50
exit $status
