#!/bin/bash
# Layers only point down (STYLE.md): reads every `#include "sub/..."` of
# libdoctag/*/*.c|h and fails when a subsystem includes one on its own layer
# or above it, or when a subsystem folder is missing from the order below.
# Public headers ("doctag/...") may be included from anywhere.
set -u
src=${1:?usage: check_layers.sh LIBDOCTAG_DIR}

# Lowest first; subsystems on one line share a layer and do not include each
# other. A new subsystem gets a line (or a place on one) here.
LAYERS=(
  "core"
  # tag/ includes only core/; extraction's OCR decisions use its English
  # word tables (extract/lang.c: is a low-confidence reading English?)
  "tag"
  "fetch extract store"
  "blob queue auth"
  "history"
  "process"
  "jobs"
  "health"
)

declare -A layer
for i in "${!LAYERS[@]}"; do
  for s in ${LAYERS[$i]}; do layer[$s]=$i; done
done

status=0
for dir in "$src"/*/; do
  s=$(basename "$dir")
  if [ -z "${layer[$s]+x}" ]; then
    echo "libdoctag/$s/ has no layer in tests/layers/check_layers.sh"
    status=1
  fi
done

edges=0
declare -A seen
while IFS=: read -r file line text; do
  rel=${file#"$src"/}
  from=${rel%%/*}
  to=
  if [[ $text =~ include[[:space:]]*\"([^\"/]+)/ ]]; then to=${BASH_REMATCH[1]}; fi
  [ -n "$to" ] || { echo "$rel:$line: include without a subsystem folder: $text"; status=1; continue; }
  [ "$to" = doctag ] && continue
  [ "$to" = "$from" ] && continue
  if [ -z "${layer[$to]+x}" ]; then
    echo "$rel:$line: includes an unknown folder: $text"; status=1; continue
  fi
  [ -n "${layer[$from]+x}" ] || continue
  edges=$((edges + 1))
  seen["$from -> $to"]=1
  if [ "${layer[$to]}" -ge "${layer[$from]}" ]; then
    echo "$rel:$line: $from (layer ${layer[$from]}) includes $to (layer ${layer[$to]}): $text"
    status=1
  fi
done < <(grep -Hn '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$src"/*/*.c "$src"/*/*.h "$src"/*/*.cpp 2>/dev/null)

# Private headers are named one way: <sub>/<sub>.h is what a subsystem
# offers the others, <sub>/internal.h what only its own files share (so no
# other subsystem includes it), any other name a part of the subsystem.
for h in "$src"/*/*_internal.h; do
  [ -e "$h" ] && { echo "${h#"$src"/}: a private header is <sub>/internal.h, not *_internal.h"; status=1; }
done
while IFS=: read -r file line text; do
  rel=${file#"$src"/}
  if [[ $text =~ \"([^\"/]+)/internal\.h\" ]] && [ "${BASH_REMATCH[1]}" != "${rel%%/*}" ]; then
    echo "$rel:$line: includes another subsystem's internal.h: $text"; status=1
  fi
done < <(grep -Hn '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[^"/]*/internal\.h"' "$src"/*/*.c "$src"/*/*.h "$src"/*/*.cpp 2>/dev/null)

for i in "${!LAYERS[@]}"; do echo "layer $i: ${LAYERS[$i]}"; done
echo "$edges includes across subsystems, $(printf '%s\n' "${!seen[@]}" | grep -c .) distinct edges:"
printf '%s\n' "${!seen[@]}" | sort | sed 's/^/  /'
[ $status -eq 0 ] && echo "every include points down" || echo "FAILED: includes above point up or sideways"
exit $status
