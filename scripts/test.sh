#!/bin/bash
# The whole test suite: installs dependencies, builds, starts the services
# (PostgreSQL, Redis, S3, the fake LLM endpoint) on free 127.0.0.1 ports,
# runs every suite, stops the services. Exit status is the suite's.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=${DOCTAG_BUILD_DIR:-$root/build}

./scripts/install-deps.sh
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)"

state=$(mktemp -d /tmp/doctag-services.XXXXXX)
cleanup() { ./scripts/services.sh stop "$state" || true; rm -rf "$state"; }
trap cleanup EXIT
./scripts/services.sh start "$state"
# shellcheck source=/dev/null
. "$state/env"

export OMP_THREAD_LIMIT=1
status=0
(cd "$build" && ctest --output-on-failure -j2 ${CTEST_ARGS:-}) || status=$?

# AddressSanitizer + UndefinedBehaviorSanitizer build of the unit tests.
if [ "${DOCTAG_SKIP_ASAN:-0}" != 1 ]; then
  asan=$root/build-asan
  CC=clang CXX=clang++ cmake -S . -B "$asan" -DDOCTAG_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
  cmake --build "$asan" -j"$(nproc)"
  # tests/lsan.supp: load-once state of system libraries, never ours.
  (cd "$asan" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
     LSAN_OPTIONS=suppressions=$root/tests/lsan.supp \
     ctest --output-on-failure -j2 -L unit ${CTEST_ARGS:-}) || status=$?
fi
# A short libFuzzer run on the buffer entry points, seeded with the corpus.
if [ "${DOCTAG_SKIP_FUZZ:-0}" != 1 ]; then
  tests/fuzz/run.sh "${DOCTAG_FUZZ_SECONDS:-60}" || status=$?
fi
# The Debian packages, built, installed, used and purged (needs root; it
# installs on this machine, so it runs in CI and otherwise on request).
debs=${DOCTAG_TEST_DEBS:-}
if [ -z "$debs" ]; then
  if [ "${CI:-}" = true ]; then debs=1; else debs=0; fi
fi
if [ "$debs" = 1 ]; then
  tests/packaging/test-debs.sh || status=$?
fi
exit $status
