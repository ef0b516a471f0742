#!/bin/bash
# The Debian round trip, as a user of the packages would live it:
#   1. `dpkg-buildpackage -b -us -uc` on a clean checkout of HEAD;
#   2. install the five packages on this machine (apt resolves their
#      dependencies);
#   3. build the C example from libdoctag-dev with pkg-config and with
#      CMake's find_package(doctag) and run it; the manual pages, the bash
#      completion and the API reference are there;
#      import the module with /usr/bin/python3 and process a PDF; run
#      `doctag process`; start doctag-server as the doctag user with the
#      packaged configuration and ask it for /api/status;
#   4. purge the packages (also when a step failed).
# Needs root (apt-get). Refuses to run when doctag packages are already
# installed, so it never replaces or removes someone's installation.
#
#   tests/packaging/test-debs.sh [--debs DIR] [--keep]
#     --debs DIR  use the .debs in DIR instead of building them
#     --keep      leave the packages installed
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
debs="" keep=0
while [ $# -gt 0 ]; do
  case $1 in
  --debs) debs=$(cd "$2" && pwd); shift 2 ;;
  --keep) keep=1; shift ;;
  *) echo "usage: $0 [--debs DIR] [--keep]" >&2; exit 2 ;;
  esac
done

packages="libdoctag1 libdoctag-dev python3-doctag doctag-tools doctag-server"
[ "$(id -u)" -eq 0 ] || { echo "test-debs: needs root (apt-get install)" >&2; exit 2; }
# dpkg's state of a package: "installed", "config-files", "half-installed"...,
# or "not-installed" (also what dpkg keeps for a purged package, so a plain
# grep for "installed" matches it and refused every second run).
pkg_state() {
  local s
  s=$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) || s=not-installed
  echo "${s:-not-installed}"
}
for p in $packages; do
  st=$(pkg_state "$p")
  if [ "$st" != not-installed ]; then
    echo "test-debs: $p is $st here; remove it first (this test purges what it installs)" >&2
    exit 2
  fi
done
# The cleanup removes exactly what this run brought in: the packages apt
# installs for it (listed by a dry run just before the install, so what other
# people install meanwhile is never touched) and the doctag system user.
brought_in=""
had_user=0
getent passwd doctag >/dev/null && had_user=1

corpus=""
for d in "${DOCTAG_SHARED_CORPUS:-}" "$root/../shared/corpus" "${DOCTAG_FIXTURES:-}" "$root/build/fixtures"; do
  if [ -n "$d" ] && [ -f "$d/manifest.json" ]; then corpus=$(cd "$d" && pwd); break; fi
done
[ -n "$corpus" ] || { echo "test-debs: no corpus (DOCTAG_SHARED_CORPUS)" >&2; exit 2; }
doc=$(/usr/bin/python3 -c '
import json, sys
m = json.load(open(sys.argv[1] + "/manifest.json"))
e = sorted((e for e in m if e["kind"] == "text" and e.get("lang") == "eng" and not e.get("benchmark")),
           key=lambda e: (e["pages"], e["path"]))[0]
print(sys.argv[1] + "/" + e["path"])' "$corpus")

work=$(mktemp -d /tmp/doctag-debs.XXXXXX)
chmod 755 "$work"
server_pid=""
installed=0
cleanup() {
  status=$?
  if [ -n "$server_pid" ]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [ $installed -eq 1 ] && [ $keep -eq 0 ]; then
    echo "== purging the packages"
    DEBIAN_FRONTEND=noninteractive apt-get purge -o DPkg::Lock::Timeout=600 -y -qq $packages >"$work/purge.log" 2>&1 \
      || { cat "$work/purge.log"; status=1; }
    for p in $packages; do
      st=$(pkg_state "$p")
      [ "$st" = not-installed ] || { echo "FAIL: $p is $st after purge"; status=1; }
    done
    # The dependencies this run installed go too, and nothing else.
    extra=""
    for p in $brought_in; do
      case " $packages " in *" ${p%%:*} "*) continue ;; esac
      [ "$(pkg_state "$p")" = not-installed ] || extra="$extra $p"
    done
    if [ -n "$extra" ]; then
      echo "== purging what the install pulled in:$extra"
      # shellcheck disable=SC2086
      DEBIAN_FRONTEND=noninteractive apt-get purge -o DPkg::Lock::Timeout=600 -y -qq $extra >>"$work/purge.log" 2>&1 \
        || { cat "$work/purge.log"; status=1; }
    fi
    for p in $brought_in; do
      st=$(pkg_state "$p")
      [ "$st" = not-installed ] || { echo "FAIL: $p (installed by this run) is $st after the cleanup"; status=1; }
    done
    if [ $had_user -eq 0 ] && getent passwd doctag >/dev/null; then
      userdel doctag 2>/dev/null || true
      if getent group doctag >/dev/null; then groupdel doctag 2>/dev/null || true; fi
    fi
    if getent passwd doctag >/dev/null && [ $had_user -eq 0 ]; then echo "FAIL: the doctag user outlived the cleanup"; status=1; fi
    rmdir /var/lib/doctag 2>/dev/null || true
    [ ! -e /usr/lib/python3/dist-packages/doctag ] || { echo "FAIL: the Python package outlived the purge"; status=1; }
    [ ! -e /etc/doctag ] || { echo "FAIL: /etc/doctag outlived the purge"; status=1; }
  fi
  rm -rf "$work"
  [ $status -eq 0 ] && echo "test-debs: all steps passed" || echo "test-debs: FAILED"
  exit $status
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
step() { echo "== $* ($(( SECONDS ))s)"; }

if [ -z "$debs" ]; then
  step "building the packages from a clean checkout of HEAD"
  git -C "$root" rev-parse --verify HEAD >/dev/null
  git -c advice.detachedHead=false clone -q --no-local "$root" "$work/src"
  git -C "$work/src" -c advice.detachedHead=false checkout -q "$(git -C "$root" rev-parse HEAD)"
  (cd "$work/src" && DEB_BUILD_OPTIONS="parallel=$(nproc) nocheck" dpkg-buildpackage -b -us -uc) \
    >"$work/build.log" 2>&1 || { tail -n 60 "$work/build.log"; fail "dpkg-buildpackage"; }
  debs=$work
fi
files=()
for p in $packages; do
  f=$(ls "$debs/${p}"_*.deb 2>/dev/null | head -n 1)
  [ -n "$f" ] || fail "no ${p}_*.deb in $debs"
  files+=("$f")
done

# libdoctag loads these with dlopen (tesslib.c, renderlib.c, curllib.c, pqlib.c, sqlitelib.c, redislib.c,
# sodiumlib.c, jwtlib.c), so dpkg-shlibdeps does not see them: debian/control must name them.
depends=$(dpkg-deb -f "${files[0]}" Depends)
for lib in libtesseract5 liblept5 libpoppler-glib8 libcurl4 libpq5 libjwt0 libsqlite3-0 libhiredis0.14 libsodium23; do
  echo "$depends" | grep -Eq "(^|, *)$lib( |,|$)" || fail "libdoctag1 does not depend on $lib: $depends"
done

step "installing ${files[*]##*/}"
brought_in=$(apt-get install -s --no-install-recommends "${files[@]}" 2>/dev/null | awk '/^Inst /{print $2}' | tr '\n' ' ')
installed=1
DEBIAN_FRONTEND=noninteractive apt-get install -o DPkg::Lock::Timeout=600 -y -qq --no-install-recommends "${files[@]}" \
  >"$work/install.log" 2>&1 || { cat "$work/install.log"; fail "apt-get install"; }

step "libdoctag-dev: the C example built with pkg-config"
example=/usr/share/doc/libdoctag-dev/examples/process.c
[ -f "$example" ] || fail "$example not installed"
pkg-config --exists --print-errors doctag || fail "pkg-config does not know doctag"
[ "$(pkg-config --modversion doctag)" = "$(dpkg-query -W -f='${Version}' libdoctag1 | sed 's/-.*//')" ] \
  || fail "doctag.pc version differs from the package's"
# shellcheck disable=SC2046
cc -std=c99 -Wall -Wextra -Werror "$example" $(pkg-config --cflags --libs doctag) -o "$work/process" \
  || fail "the example does not build"
libs=$(ldd "$work/process")   # captured: grep -q closing a pipe early trips pipefail
grep -Eq "libdoctag.so.1 => (/usr)?/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/" <<<"$libs" \
  || fail "the example is not linked to the installed library: $(grep doctag <<<"$libs")"
(cd "$work" && DOCTAG_DATA_DIR=$work/data-c ./process "$doc") >"$work/c.out" || { cat "$work/c.out"; fail "example run"; }
grep -q '^tags:' "$work/c.out" || fail "the example printed no tags"
awk '/^tags:/{t=1;next} t && /^  [^ ]/{n++} END{exit !(n>=1)}' "$work/c.out" || fail "no tag lines"

step "libdoctag-dev: find_package(doctag), libdoctag(3), the API reference"
mkdir "$work/cmake-ex"
cp /usr/share/doc/libdoctag-dev/examples/*.c /usr/share/doc/libdoctag-dev/examples/CMakeLists.txt "$work/cmake-ex/" \
  || fail "the examples' CMakeLists.txt is not installed"
cmake -S "$work/cmake-ex" -B "$work/cmake-ex/build" >"$work/cmake.log" 2>&1 || { cat "$work/cmake.log"; fail "find_package(doctag)"; }
cmake --build "$work/cmake-ex/build" >>"$work/cmake.log" 2>&1 || { cat "$work/cmake.log"; fail "the examples do not build with CMake"; }
(cd "$work" && DOCTAG_DATA_DIR=$work/data-cmake ./cmake-ex/build/process "$doc") >"$work/cmake.out" || fail "the CMake-built example"
grep -q '^tags:' "$work/cmake.out" || fail "the CMake-built example printed no tags"
man -w 3 libdoctag >/dev/null || fail "no manual page libdoctag(3)"
[ -f /usr/share/doc/libdoctag-dev/html/index.html ] || fail "the API reference is not installed"
grep -q doctag_process_file /usr/share/doc/libdoctag-dev/html/process_8h.html || fail "the API reference lacks doctag_process_file"

step "python3-doctag: import with /usr/bin/python3 and process"
(cd "$work" && DOCTAG_DATA_DIR=$work/data-py /usr/bin/python3 - "$doc") <<'PY' || fail "python3-doctag"
import sys
import doctag
assert doctag.__file__.startswith("/usr/lib/python3/dist-packages/doctag/"), doctag.__file__
with doctag.Context() as ctx:
    r = ctx.process(sys.argv[1], model="local")
    assert r.tags and r.page_count >= 1, r
    try:
        ctx.process("/no/such/file.pdf")
        raise SystemExit("a missing file did not raise")
    except doctag.NotFound:
        pass
print("python:", doctag.__version__, r.tags)
PY

step "doctag-tools: doctag process"
DOCTAG_DATA_DIR=$work/data-cli doctag process --model local "$doc" >"$work/cli.json" || fail "doctag process"
/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["success"] and d["tags"], d; print("cli:", d["tags"])' \
  "$work/cli.json" || fail "doctag process output"
grep -q "$(pkg-config --modversion doctag)" <<<"$(doctag --version)" || fail "doctag --version"
# The manual pages and the bash completion.
for page in doctag doctag-server; do
  man -w 1 "$page" >/dev/null || fail "no manual page $page(1)"
done
grep -q "EXIT STATUS" <<<"$(MANWIDTH=100 man 1 doctag 2>/dev/null)" || fail "doctag(1) has no exit status section"
comp=/usr/share/bash-completion/completions/doctag
[ -f "$comp" ] || fail "no bash completion"
got=$(bash -c '. "$1"; COMP_WORDS=(doctag bat); COMP_CWORD=1; _doctag; echo "${COMPREPLY[*]}"' _ "$comp")
[ "$got" = batch ] || fail "bash completion of 'doctag bat' gives '$got'"
# A URL: the installed library finds libcurl at run time.
mkdir "$work/www" && cp "$doc" "$work/www/doc.pdf"
www_port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(cd "$work/www" && exec /usr/bin/python3 -m http.server "$www_port" --bind 127.0.0.1) >"$work/www.log" 2>&1 &
www_pid=$!
for _ in $(seq 1 50); do
  (exec 3<>"/dev/tcp/127.0.0.1/$www_port") 2>/dev/null && break
  sleep 0.1
done
DOCTAG_DATA_DIR=$work/data-cli DOCTAG_ALLOW_PRIVATE_URLS=1 doctag extract "http://127.0.0.1:$www_port/doc.pdf" \
  >"$work/url.txt" 2>"$work/url.err" || { kill "$www_pid" 2>/dev/null; cat "$work/url.err"; fail "doctag extract URL"; }
kill "$www_pid" 2>/dev/null || true; wait "$www_pid" 2>/dev/null || true
[ -s "$work/url.txt" ] || fail "doctag extract URL printed nothing"
echo "cli: extract of a URL ok"

step "doctag-server: the doctag user, the configuration, a running server"
getent passwd doctag >/dev/null || fail "no doctag system user"
[ -f /etc/doctag/doctag.env ] || fail "no /etc/doctag/doctag.env"
[ -d /var/lib/doctag ] && [ "$(stat -c %U /var/lib/doctag)" = doctag ] || fail "/var/lib/doctag is not the doctag user's"
[ -f /lib/systemd/system/doctag-server.service ] || fail "no systemd unit"
systemd-analyze verify /lib/systemd/system/doctag-server.service >"$work/verify.log" 2>&1 \
  || { cat "$work/verify.log"; fail "the systemd unit does not verify"; }
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# As the unit runs it: the doctag user, the packaged environment file.
(
  set -a
  # shellcheck source=/dev/null
  . /etc/doctag/doctag.env
  set +a
  export DOCTAG_LISTEN=127.0.0.1:$port DOCTAG_HTTP_WORKERS=1 DOCTAG_WORKERS=1
  cd /var/lib/doctag
  exec runuser -u doctag -- env DOCTAG_LISTEN="$DOCTAG_LISTEN" /usr/bin/doctag-server
) >"$work/server.log" 2>&1 &
server_pid=$!
ok=0
for _ in $(seq 1 150); do
  if /usr/bin/python3 - "$port" <<'PY' 2>/dev/null; then ok=1; break; fi
import json, sys, urllib.request
with urllib.request.urlopen("http://127.0.0.1:%s/api/status" % sys.argv[1], timeout=2) as r:
    assert json.load(r)["status"] == "ok"
PY
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.2
done
[ $ok -eq 1 ] || { cat "$work/server.log"; fail "doctag-server did not answer /api/status"; }
echo "server: /api/status ok on 127.0.0.1:$port"
# The packaged web app, API document and docs page (share/doctag/web).
/usr/bin/python3 - "$port" <<'PY' || { cat "$work/server.log"; fail "the web app or /api/openapi.json is not served"; }
import json, sys, urllib.request
base = "http://127.0.0.1:%s" % sys.argv[1]
with urllib.request.urlopen(base + "/app/", timeout=5) as r:
    assert r.headers["content-type"].startswith("text/html") and b"/app/main.js" in r.read()
with urllib.request.urlopen(base + "/api/openapi.json", timeout=5) as r:
    assert json.load(r)["openapi"].startswith("3.1")
with urllib.request.urlopen(base + "/api/docs", timeout=5) as r:
    assert r.status == 200
PY
echo "server: /app/, /api/openapi.json and /api/docs ok"
kill -TERM "$server_pid"
wait "$server_pid" || true
server_pid=""
step "done"
