#!/bin/bash
# CPU cost of the access log (issue 14): GET /api/status under wrk with
# DOCTAG_ACCESS_LOG=off, then on (stderr to a file), alternating ROUNDS
# times. Prints the kore workers' CPU microseconds per request for each and
# the ratio on/off, which holds on a loaded machine where req/s does not.
# Goal: on/off <= 1.10 (the log keeps /api/status within 10% of its rate).
# Environment: BUILD (default build), ROUNDS (3), DURATION (wrk s, 5), CONNECTIONS (64).
#
# MEASURE=callgrind instead counts, exactly and whatever the load, the
# instructions the access-log code itself costs per request
# (bench/accesslog_bench.c: server/accesslog.c with kore stubbed, since
# valgrind cannot run kore's seccomp-sandboxed workers), logging off and on,
# and the write(2) calls per request into a file and into a pipe.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build}
if [ "${MEASURE:-cpu}" = callgrind ]; then
  command -v valgrind >/dev/null || { echo "accesslog.sh: MEASURE=callgrind needs valgrind" >&2; exit 2; }
  cmake --build "$build" --target accesslog_bench >/dev/null
  bench=$build/bench/accesslog_bench
  cgout=$(mktemp /tmp/doctag-alog-cg.XXXXXX)
  trap 'rm -f "$cgout"' EXIT
  instr() {  # $1 on|off, $2 requests -> total instructions
    DOCTAG_ACCESS_LOG=$1 valgrind --tool=callgrind --callgrind-out-file="$cgout" "$bench" "$2" >/dev/null 2>/dev/null
    callgrind_annotate "$cgout" | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}'
  }
  for m in off on; do
    a=$(instr "$m" 1000); b=$(instr "$m" 21000)
    echo "logging $m: $(( (b - a) / 20000 )) instructions per request in server/accesslog.c"
  done
  tmpf=$(mktemp /tmp/doctag-alog-file.XXXXXX)
  echo "into a file: $(DOCTAG_ACCESS_LOG=on "$bench" 100000 2>"$tmpf")"
  rm -f "$tmpf"
  echo "into a pipe: $(DOCTAG_ACCESS_LOG=on "$bench" 100000 2> >(cat >/dev/null))"
  exit 0
fi
rounds=${ROUNDS:-3}
duration=${DURATION:-5}
conns=${CONNECTIONS:-64}
command -v wrk >/dev/null || { echo "accesslog.sh: wrk is not installed" >&2; exit 2; }
work=$(mktemp -d /tmp/doctag-bench-alog.XXXXXX)
spid=
cleanup() { [ -n "$spid" ] && kill "$spid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
tick=$(getconf CLK_TCK)

# CPU ticks (user + system) of every process in the session of $1.
cpu_ticks() {
  local sid=$1 total=0 f
  for f in /proc/[0-9]*/stat; do
    # after "pid (comm) ": state ppid pgrp session ... utime (12th) stime (13th)
    read -r -a t <<< "$(sed 's/^.*) //' "$f" 2>/dev/null)"
    [ "${t[3]:-}" = "$sid" ] && total=$((total + t[11] + t[12]))
  done
  echo "$total"
}

run() {  # $1 = on|off -> prints "cpu_us_per_request requests_per_s"
  local port; port=$(free_port)
  DOCTAG_ACCESS_LOG=$1 DOCTAG_LISTEN=127.0.0.1:$port DOCTAG_DATA_DIR=$work/data DOCTAG_WORKERS=0 \
    setsid "$build/bin/doctag-server" 2> "$work/server-$1.log" > /dev/null &
  spid=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/api/status" >/dev/null && break; sleep 0.1; done
  local c0; c0=$(cpu_ticks "$spid")
  local out; out=$(wrk -t2 -c"$conns" -d"${duration}s" "http://127.0.0.1:$port/api/status")
  local c1; c1=$(cpu_ticks "$spid")
  kill "$spid"; wait "$spid" 2>/dev/null || true; spid=
  local reqs; reqs=$(echo "$out" | awk '/requests in/ {print $1}')
  local rps; rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  awk -v c=$((c1 - c0)) -v n="$reqs" -v hz="$tick" -v rps="$rps" 'BEGIN { printf "%.2f %s\n", c * 1e6 / hz / n, rps }'
}

on=(); off=()
for r in $(seq "$rounds"); do
  read -r u_off rps_off < <(run off)
  read -r u_on rps_on < <(run on)
  echo "round $r: off ${u_off} us/req (${rps_off} req/s), on ${u_on} us/req (${rps_on} req/s)"
  off+=("$u_off"); on+=("$u_on")
done
med() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mo=$(med "${off[@]}"); mn=$(med "${on[@]}")
ratio=$(awk -v a="$mn" -v b="$mo" 'BEGIN { printf "%.3f", a / b }')
echo "median CPU per /api/status request: off ${mo} us, on ${mn} us, on/off = ${ratio} (goal <= 1.10)"
awk -v r="$ratio" 'BEGIN { exit !(r <= 1.10) }'
