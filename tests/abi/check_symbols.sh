#!/bin/bash
# Fails on any exported symbol of the shared library without the doctag_ prefix.
set -u
lib=$1
syms=$(nm -D --defined-only "$lib" | awk '$2 != "A" {print $3}')
[ -n "$syms" ] || { echo "no exported symbols in $lib"; exit 1; }
bad=$(printf '%s\n' "$syms" | grep -v '^doctag_')
echo "$(printf '%s\n' "$syms" | wc -l) exported symbols"
if [ -n "$bad" ]; then
  echo "exported without the doctag_ prefix:"; printf '%s\n' "$bad"; exit 1
fi
