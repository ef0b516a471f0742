#!/bin/sh
# Installs every Debian package doctag needs to build, test and benchmark.
# Run as root (or through sudo) on Debian 12. Idempotent.
set -eu
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
PKGS="
 build-essential cmake pkg-config git clang libclang-rt-dev
 libglib2.0-dev libpoppler-glib-dev libcairo2-dev libpango1.0-dev
 libtesseract-dev libleptonica-dev tesseract-ocr tesseract-ocr-eng tesseract-ocr-hin tesseract-ocr-osd
 libcurl4-openssl-dev libjansson-dev libpq-dev libhiredis-dev libjwt-dev libsqlite3-dev
 libsodium-dev libcmocka-dev libcsv-dev uuid-dev
 kore swig python3 python3-dev python3-pytest python3-requests python3-websocket
 postgresql redis-server poppler-utils qpdf
 fonts-dejavu-core fonts-noto-core fonts-lohit-deva
 ocrmypdf nginx-light wrk hyperfine time
 debhelper dh-python devscripts dpkg-dev perl libperl-dev
"
# text layer (issue 13): poppler's word list, bidi order, a CJK font for the vertical fixture, a word list for line-end hyphens
PKGS="$PKGS libpoppler-cpp-dev libfribidi-dev fonts-wqy-microhei wamerican"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi
