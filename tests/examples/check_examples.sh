#!/bin/bash
# Runs one example the way a user would and checks what it prints against
# the corpus ground truth. Usage: check_examples.sh MODE ARGS...
set -euo pipefail

corpus=""
for d in "${DOCTAG_SHARED_CORPUS:-}" "${DOCTAG_FIXTURES:-}"; do
  if [ -n "$d" ] && [ -f "$d/manifest.json" ]; then corpus=$d; break; fi
done
[ -n "$corpus" ] || { echo "no corpus (DOCTAG_SHARED_CORPUS / DOCTAG_FIXTURES)"; exit 1; }

tmp=$(mktemp -d /tmp/doctag-examples.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# Each run on its own data directory, no stray configuration.
export DOCTAG_DATA_DIR=$tmp/data
unset DOCTAG_DATABASE_URL DOCTAG_REDIS_URL OPENROUTER_API_KEY DOCTAG_BLOB_URL

# The smallest English text document of the corpus, and a phrase of its first page.
read -r doc phrase < <(/usr/bin/python3 - "$corpus" <<'PY'
import json, re, sys
root = sys.argv[1]
m = json.load(open(root + "/manifest.json", encoding="utf-8"))
e = sorted((e for e in m if e["kind"] == "text" and e.get("lang") == "eng" and not e.get("benchmark")),
           key=lambda e: (e["pages"], e["path"]))[0]
first = open(root + "/" + e["truth"], encoding="utf-8").read().split("\f")[0]
phrase = next((" ".join(l.split()[:4]) for l in first.splitlines()
               if len(l.split()) >= 4 and not re.search(r"\t|\d", l)), " ".join(first.split()[:4]))
print(root + "/" + e["path"], phrase)
PY
)

fail() { echo "FAIL: $*"; exit 1; }

# Output of process.c: a "tags:" block with at least one tag line.
check_c_output() {
  local out=$1
  grep -q '^title: ' "$out" || fail "no title line"
  grep -q '^extraction: text_layer' "$out" || fail "not read from the text layer"
  awk '/^tags:/{t=1;next} t && /^  [^ ]/{n++} END{exit !(n>=1)}' "$out" || fail "no tags printed"
  tail -n 1 "$out" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["success"] and d["tags"], d' \
    || fail "last line is not the result JSON"
}

mode=$1; shift
case $mode in
c-build)
  "$1" "$doc" >"$tmp/out" || { rc=$?; cat "$tmp/out"; fail "process exited $rc"; }
  cat "$tmp/out"
  check_c_output "$tmp/out"
  # Errors: a message on stderr, exit 1.
  if "$1" /no/such/file.pdf 2>"$tmp/err"; then fail "missing file accepted"; fi
  grep -q 'file.pdf' "$tmp/err" || fail "error does not name the file: $(cat "$tmp/err")"
  ;;
c-pkgconfig)
  build=$1 src=$2 cc=$3
  cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
  pc=$(find "$tmp/prefix" -name doctag.pc | head -n 1)
  [ -n "$pc" ] || fail "doctag.pc not installed"
  export PKG_CONFIG_PATH=$(dirname "$pc")
  pkgconf=(pkg-config --define-variable=prefix="$tmp/prefix")
  "${pkgconf[@]}" --exists --print-errors doctag || fail "pkg-config cannot resolve doctag.pc"
  libdir=$("${pkgconf[@]}" --variable=libdir doctag)
  [ -e "$libdir/libdoctag.so" ] || fail "libdir $libdir has no libdoctag.so"
  [ -e "$("${pkgconf[@]}" --variable=includedir doctag)/doctag/doctag.h" ] || fail "includedir has no doctag/doctag.h"
  # The command of the example's header comment.
  # shellcheck disable=SC2046
  "$cc" -std=c99 -Wall -Wextra -Werror "$src" $("${pkgconf[@]}" --cflags --libs doctag) -o "$tmp/process" \
    || fail "the example does not build with pkg-config"
  LD_LIBRARY_PATH=$libdir "$tmp/process" "$doc" >"$tmp/out" || { rc=$?; cat "$tmp/out"; fail "exit $rc"; }
  check_c_output "$tmp/out"
  # The installed Python package works too (the system Python finds it in dist-packages).
  pydir=$(find "$tmp/prefix" -path '*-packages/doctag' -type d | head -n 1)
  if [ -n "$pydir" ]; then
    (cd "$tmp" && LD_LIBRARY_PATH=$libdir PYTHONPATH=$(dirname "$pydir") /usr/bin/python3 -c \
      'import doctag, sys; assert doctag.__file__.startswith(sys.argv[1]), doctag.__file__; print(doctag.__version__)' "$tmp/prefix") \
      || fail "installed Python package does not import"
  fi
  echo "built with: $cc $("${pkgconf[@]}" --cflags --libs doctag)"
  ;;
c-uninstalled)
  # The build tree's doctag-uninstalled.pc: what a developer builds against
  # before installing; the rpath it carries runs the program as it is.
  build=$1 src=$2 cc=$3
  export PKG_CONFIG_PATH=$build
  pkg-config --exists --print-errors doctag-uninstalled || fail "no doctag-uninstalled.pc in $build"
  [ "$(pkg-config --variable=libdir doctag)" = "$build/lib" ] || fail "pkg-config doctag does not pick the uninstalled file"
  # shellcheck disable=SC2046
  "$cc" -std=c99 -Wall -Wextra -Werror "$src" $(pkg-config --cflags --libs doctag) -o "$tmp/process" \
    || fail "the example does not build with doctag-uninstalled.pc"
  env -u LD_LIBRARY_PATH "$tmp/process" "$doc" >"$tmp/out" || { rc=$?; cat "$tmp/out"; fail "exit $rc"; }
  check_c_output "$tmp/out"
  # Captured first: with pipefail, grep -q closing the pipe early would fail
  # the pipeline on ldd's SIGPIPE whenever ldd is still writing.
  libs=$(ldd "$tmp/process")
  grep -q "libdoctag.so.1 => $build/lib/" <<<"$libs" || fail "not linked to $build/lib: $(grep doctag <<<"$libs")"
  echo "built with: $cc $(pkg-config --cflags --libs doctag)"
  ;;
c-cmake)
  # examples/c/CMakeLists.txt with find_package(doctag): against the build
  # tree (doctag_DIR), then against a staged install (CMAKE_PREFIX_PATH).
  build=$1 examples=$2 cc=$3
  cmake -S "$examples" -B "$tmp/ex-build" -DCMAKE_C_COMPILER="$cc" -Ddoctag_DIR="$build" >"$tmp/cfg.log" 2>&1 \
    || { cat "$tmp/cfg.log"; fail "find_package(doctag) in the build tree"; }
  cmake --build "$tmp/ex-build" >"$tmp/b.log" 2>&1 || { cat "$tmp/b.log"; fail "examples do not build (build tree)"; }
  "$tmp/ex-build/process" "$doc" >"$tmp/out" || { rc=$?; cat "$tmp/out"; fail "exit $rc"; }
  check_c_output "$tmp/out"
  cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
  [ -f "$(find "$tmp/prefix" -name doctagConfig.cmake | head -n 1)" ] || fail "doctagConfig.cmake not installed"
  cmake -S "$examples" -B "$tmp/ex-inst" -DCMAKE_C_COMPILER="$cc" -DCMAKE_PREFIX_PATH="$tmp/prefix" \
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF >"$tmp/cfg2.log" 2>&1 || { cat "$tmp/cfg2.log"; fail "find_package(doctag) installed"; }
  grep -q "$tmp/prefix" "$tmp/ex-inst/CMakeCache.txt" || fail "found doctag elsewhere than the install"
  cmake --build "$tmp/ex-inst" >"$tmp/b2.log" 2>&1 || { cat "$tmp/b2.log"; fail "examples do not build (installed)"; }
  libdir=$(dirname "$(find "$tmp/prefix" -name 'libdoctag.so' | head -n 1)")
  LD_LIBRARY_PATH=$libdir "$tmp/ex-inst/process" "$doc" >"$tmp/out" || { rc=$?; cat "$tmp/out"; fail "exit $rc"; }
  check_c_output "$tmp/out"
  echo "find_package(doctag): build tree and install"
  ;;
python-process)
  /usr/bin/python3 "$1" --json --num-tags 6 "$doc" >"$tmp/out" || { rc=$?; cat "$tmp/out"; fail "exit $rc"; }
  /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["success"] and 1 <= len(d["tags"]) <= 6, d' "$tmp/out" \
    || fail "not the result JSON"
  /usr/bin/python3 "$1" "$doc" >"$tmp/out"
  cat "$tmp/out"
  grep -q 'pages, text_layer' "$tmp/out" || fail "no summary line"
  if /usr/bin/python3 "$1" /no/such/file.pdf 2>"$tmp/err"; then fail "missing file accepted"; fi
  grep -q 'NotFound' "$tmp/err" || fail "error is not NotFound: $(cat "$tmp/err")"
  ;;
python-extract)
  /usr/bin/python3 "$1" "$doc" >"$tmp/out" 2>"$tmp/err" || { rc=$?; cat "$tmp/err"; fail "exit $rc"; }
  grep -qF "$phrase" <<<"$(tr -s ' \n\t\f' '    ' <"$tmp/out")" || fail "text lacks \"$phrase\""
  grep -q '^\[page 1: text\]' "$tmp/err" || fail "no page report: $(cat "$tmp/err")"
  ;;
python-parallel)
  mkdir -p "$tmp/docs"
  /usr/bin/python3 - "$corpus" "$tmp/docs" <<'PY'
import json, shutil, sys
root, dest = sys.argv[1], sys.argv[2]
for e in json.load(open(root + "/manifest.json")):
    if e["kind"] == "text" and not e.get("benchmark") and (e.get("pages") or 99) <= 3:
        shutil.copy(root + "/" + e["path"], dest)
PY
  n=$(ls "$tmp/docs" | wc -l)
  /usr/bin/python3 "$1" --threads 2 "$tmp/docs" >"$tmp/out" || { rc=$?; cat "$tmp/out"; fail "exit $rc"; }
  /usr/bin/python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == int(sys.argv[2]), len(rows)
assert all(r.get("tags") for r in rows), rows' "$tmp/out" "$n" || fail "not one tagged line per document"
  echo "$n documents tagged"
  ;;
c-batch|python-batch)
  # Two small text documents and one missing file, under the allowed root.
  mkdir -p "$tmp/docs"
  /usr/bin/python3 - "$corpus" "$tmp/docs" <<'PY'
import json, shutil, sys
root, dest = sys.argv[1], sys.argv[2]
docs = sorted((e for e in json.load(open(root + "/manifest.json"))
               if e["kind"] == "text" and e.get("lang") == "eng" and not e.get("benchmark")),
              key=lambda e: (e["pages"], e["path"]))[:2]
for e in docs:
    shutil.copy(root + "/" + e["path"], dest)
PY
  files=("$tmp"/docs/*.pdf)
  [ "${#files[@]}" -eq 2 ] || fail "corpus has no two small text documents"
  export DOCTAG_ALLOWED_ROOTS=$tmp/docs
  if [ "$mode" = c-batch ]; then run=("$1"); else run=(/usr/bin/python3 "$1"); fi
  # Twice: the second run finds its user registered and logs in.
  for attempt in 1 2; do
    rc=0
    "${run[@]}" "${files[@]}" "$tmp/docs/missing.pdf" >"$tmp/out" 2>"$tmp/err" || rc=$?
    cat "$tmp/out" "$tmp/err"
    [ "$rc" -eq 3 ] || fail "run $attempt: exit $rc, want 3 (one document failed)"
    grep -q '^status: completed, 2 succeeded, 1 failed of 3$' "$tmp/out" || fail "no final status line"
    [ "$(grep -E '^event ' "$tmp/out" | tail -n 1 | cut -d' ' -f3)" = completed ] || fail "completed is not the last event"
    grep -q "failed: File not found: $tmp/docs/missing.pdf" "$tmp/out" || fail "the missing file's row does not say why"
    # Every document row is followed by at least one tag.
    awk '/^row [01]: /{r=$2} /^row 2: /{r=""} /^  [^ ]/ && r!="" && !/failed:/{n[r]++} END{exit !(n["0:"]>=1 && n["1:"]>=1)}' "$tmp/out" \
      || fail "a document has no tags"
  done
  if "${run[@]}" 2>/dev/null; then fail "no arguments accepted"; fi
  ;;
*) fail "unknown mode $mode" ;;
esac
echo "ok: $mode"
