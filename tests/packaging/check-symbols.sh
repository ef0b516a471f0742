#!/bin/bash
# The Debian symbols file lists exactly what libdoctag exports, so an ABI
# addition is recorded with the version that brought it and a removal is
# noticed (dpkg-gensymbols only warns about new symbols at build time).
#   check-symbols.sh LIBDOCTAG.so SYMBOLS-FILE            check
#   check-symbols.sh LIBDOCTAG.so SYMBOLS-FILE --update V  add new symbols as of version V
set -euo pipefail
lib=$1 symbols=$2
exported=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVW]$/ && $3 !~ /^_/ {sub(/@+.*/, "", $3); print $3}' | sort -u)
listed=$(awk '/^ [^ ]/ {sub(/@.*/, "", $1); print $1}' "$symbols" | grep -v '^DOCTAG_[0-9]' | sort -u)
missing=$(comm -23 <(echo "$exported") <(echo "$listed"))
gone=$(comm -13 <(echo "$exported") <(echo "$listed"))
if [ "${3:-}" = --update ]; then
  version=${4:?version}
  for s in $missing; do echo " $s@DOCTAG_1 $version" >>"$symbols"; done
  { head -n 2 "$symbols"; tail -n +3 "$symbols" | sort; } >"$symbols.new" && mv "$symbols.new" "$symbols"
  echo "added: ${missing:-nothing}"
  exit 0
fi
status=0
if [ -n "$missing" ]; then
  echo "exported but not in $symbols (run: $0 $lib $symbols --update <version>):"; echo "$missing" | sed 's/^/  /'
  status=1
fi
if [ -n "$gone" ]; then
  echo "in $symbols but no longer exported (an ABI break: bump the soname):"; echo "$gone" | sed 's/^/  /'
  status=1
fi
[ $status -ne 0 ] || echo "ok: $(echo "$exported" | wc -l) symbols, all in $symbols"
exit $status
