#!/bin/bash
# First run on a fresh Debian 12 machine: installs what doctag needs, builds
# it, and runs the main job on embedded defaults (no server to set up):
# extracts and tags the sample PDFs, then starts the server on
# http://127.0.0.1:8000 (Ctrl-C stops it). DOCTAG_SETUP_NO_SERVER=1 skips that.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"

# Sample PDFs: the repo's own generated fixtures (English, Hindi, scanned).
samples=build/fixtures
[ -f "$samples/manifest.json" ] || (cd build && ctest -R '^fixtures$' >/dev/null)
export OMP_THREAD_LIMIT=1
for pdf in "$samples"/text/*.pdf "$samples"/scanned/*.pdf; do
  [ -e "$pdf" ] || continue
  echo "== $pdf"
  ./build/bin/doctag process --model local "$pdf" || true
done

if [ "${DOCTAG_SETUP_NO_SERVER:-0}" != 1 ] && [ -x build/bin/doctag-server ]; then
  echo "== starting doctag-server on ${DOCTAG_LISTEN:-127.0.0.1:8000} (Ctrl-C to stop)"
  exec ./build/bin/doctag-server
fi
