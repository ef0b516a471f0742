#!/bin/sh
# Installs every Debian package doctag needs to build, test and benchmark.
# Run as root (or through sudo) on Debian 12. Idempotent.
set -eu
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
PKGS="$PKGS wordnet-base libstemmer-dev libicu-dev python3-nltk" # tagger: WordNet POS table, Snowball stemmers, ICU word breaks, keyphrase scorer
# stopless (issue 12): the stop-word lists of 16 more languages come out of Lucene's analyzer jars at build time (no Java needed)
PKGS="$PKGS liblucene8-java"
# lang (issue 12): Urdu's function words from Apertium's Urdu dictionary, expanded at build time by lt-expand
PKGS="$PKGS apertium-urd lttoolbox-dev"
# apos (issue 12): the verbs and adverbs of French, Spanish, Portuguese, Polish, Hindi, Urdu, Italian, Galician, Catalan and Romanian from Apertium's analysers, printed at build time by lt-print (lttoolbox-dev)
PKGS="$PKGS apertium-fr-es apertium-es-pt apertium-pol-szl apertium-hin apertium-spa-ita apertium-pt-gl apertium-eo-ca apertium-es-ro"
# morelangs (issue 12): the same for Dutch, Swedish, Danish, Norwegian (Bokmål), Russian (two analysers, for their words together) and Ukrainian
PKGS="$PKGS apertium-afr-nld apertium-swe-dan apertium-dan-nor apertium-rus-ukr apertium-bel-rus"
# dx (issue 16): the API reference, type checks, the venv/pip install test, man page checks
PKGS="$PKGS doxygen mypy python3-venv python3-build python3-setuptools python3-wheel python3-pip groff-base"
# web (issue 14): response schema checks, the headless Chromium tests, npm for the vendored Swagger UI, zlib for gzip of the static files
PKGS="$PKGS python3-jsonschema chromium chromium-driver python3-selenium zlib1g-dev"
# Debian's npm only where no npm is installed: a machine with another Node.js
# (nodesource's, whose nodejs conflicts with Debian's npm) keeps its own.
command -v npm >/dev/null 2>&1 || PKGS="$PKGS npm"
# sec: PDF stream limits (libdoctag/extract/limits.c) use zlib, listed above
# sec: the decoded pass of the PDF limits uses poppler's object layer (extract/limits_decoded.cpp)
PKGS="$PKGS libpoppler-private-dev"
# text layer (issue 13): poppler's word list, bidi order, a CJK font for the vertical fixture, a word list for line-end hyphens (compiled in at build time)
PKGS="$PKGS libpoppler-private-dev libfribidi-dev fonts-wqy-microhei wamerican"
# ocr (issue 13): the OCR models for the scripts of India beside eng/hin/osd; not tesseract-ocr-tha, -hye or -kat (the fixtures' Thai, Armenian and Georgian scans check scripts with no model)
PKGS="$PKGS tesseract-ocr-mar tesseract-ocr-nep tesseract-ocr-san tesseract-ocr-ben tesseract-ocr-pan tesseract-ocr-guj tesseract-ocr-ori tesseract-ocr-tam tesseract-ocr-tel tesseract-ocr-kan tesseract-ocr-mal tesseract-ocr-urd"
# perf (issue 17): instruction counts that do not depend on load (bench/extract.sh instr, bench/tag.sh MEASURE=callgrind)
PKGS="$PKGS valgrind"
# perf (issue 17): the doctag program's malloc (tools/CMakeLists.txt)
PKGS="$PKGS libjemalloc-dev"
# shellcheck disable=SC2086 # one word a package
"$(dirname "$0")/apt-install-missing.sh" $PKGS
# web (issue 14): the pinned Swagger UI that /api/docs serves (web/vendor/, from npm)
"$(dirname "$0")/fetch-web-vendor.sh"
