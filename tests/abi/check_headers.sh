#!/bin/bash
# Compiles each public header alone, as C99 and as C++, pedantic, warnings as errors.
set -u
inc=$1 cc=$2 cxx=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0
for h in "$inc"/doctag/*.h; do
  name=doctag/$(basename "$h")
  printf '#include <%s>\n#include <%s>\nint doctag_header_test_%s;\n' "$name" "$name" "$(basename "$h" .h)" > "$tmp/t.c"
  cp "$tmp/t.c" "$tmp/t.cpp"
  if ! "$cc" -std=c99 -Wall -Wextra -pedantic -Werror -I"$inc" -c "$tmp/t.c" -o "$tmp/t.o"; then
    echo "FAIL (C99): $name"; fail=1
  fi
  if ! "$cxx" -std=c++11 -Wall -Wextra -pedantic -Werror -I"$inc" -c "$tmp/t.cpp" -o "$tmp/t.o"; then
    echo "FAIL (C++): $name"; fail=1
  fi
  # Public headers include only the standard headers STYLE.md allows and each other.
  if grep -E '^#\s*include' "$h" | grep -vE '<(stddef|stdint|stdbool)\.h>|"[a-z_]+\.h"' ; then
    echo "FAIL (includes): $name includes something other than stddef/stdint/stdbool and doctag headers"; fail=1
  fi
  n=$((n + 1))
done
[ "$n" -gt 0 ] || { echo "no headers found in $inc"; exit 1; }
echo "$n headers checked"
exit $fail
