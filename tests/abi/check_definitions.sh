#!/bin/bash
# Every definition of a public function carries DOCTAG_API (STYLE.md), as
# its declaration in include/doctag/ does: reads libdoctag's sources and
# lists each non-static doctag_*() definition (a line at column 0 naming it,
# followed by "{" before any ";") that does not start with DOCTAG_API.
set -u
src=${1:?usage: check_definitions.sh LIBDOCTAG_DIR}
out=$(find "$src" -name '*.c' -o -name '*.cpp' | sort | xargs awk '
  function report() { if (pending) { printf "%s:%d: %s\n", pfile, pline, ptext; bad++ } pending = 0 }
  FNR == 1 { pending = 0 }
  pending && /;/ && (index($0, ";") < index($0 "{", "{")) { pending = 0 }
  pending && /\{/ { report() }
  /^[A-Za-z_]/ && !/^(static|DOCTAG_API|extern|typedef|#)/ && /[ *]doctag_[a-z0-9_]+[ ]*\(/ {
    pfile = FILENAME; pline = FNR; ptext = $0; pending = 1
    if ($0 ~ /;/ && index($0, ";") < index($0 "{", "{")) pending = 0
    else if ($0 ~ /\{/) report()
  }
  END { exit bad > 0 }')
status=$?
if [ $status -ne 0 ]; then
  echo "$out"
  echo "FAILED: the definitions above lack DOCTAG_API"
  exit 1
fi
echo "every public definition carries DOCTAG_API"
