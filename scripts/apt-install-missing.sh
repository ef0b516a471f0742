#!/bin/sh
# Installs those of the Debian packages named that are not installed yet
# (apt-get, through sudo unless run as root). Idempotent; used by
# install-deps.sh and by benchmarks with packages of their own.
# Usage: scripts/apt-install-missing.sh PACKAGE...
# Exit status: 0 all installed, else apt-get's.
set -eu
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
missing=""
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -n "$missing" ] || exit 0
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
