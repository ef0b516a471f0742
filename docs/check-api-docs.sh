#!/bin/sh
# Fails when a public function of include/doctag/ has no doc comment (or a
# doc comment is malformed): runs Doxygen with docs/Doxyfile and reads its
# warnings. Usage: check-api-docs.sh DOXYFILE WARNINGS_FILE
set -eu
doxygen "$1" >/dev/null
bad=$(grep -E '\(function\) of file .* is not documented|unknown command|warning: .*(argument|parameter)' "$2" || true)
if [ -n "$bad" ]; then
  echo "undocumented or malformed in the public API:"
  echo "$bad"
  exit 1
fi
echo "api docs: every public function documented ($(grep -c . "$2" || true) other warnings)"
