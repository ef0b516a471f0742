#!/bin/bash
# pip install ./bindings/python and python3 -m build, the way a Python user
# installs doctag, offline with Debian's setuptools and swig:
#   1. a fresh venv (--system-site-packages: setuptools, pytest), `pip
#      install --no-build-isolation` of a copy of the source against the
#      build tree (DOCTAG_BUILD_DIR), then import it from the venv and process
#      a PDF; the type hints are installed (py.typed, .pyi);
#   2. `python3 -m build --no-isolation` (an sdist, then a wheel built from
#      that sdist alone), the wheel installed into a second venv and used.
# Usage: venv_install.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1 build=$2
tmp=$(mktemp -d /tmp/doctag-venv.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

corpus=""
for d in "${DOCTAG_SHARED_CORPUS:-}" "${DOCTAG_FIXTURES:-}"; do
  if [ -n "$d" ] && [ -f "$d/manifest.json" ]; then corpus=$d; break; fi
done
[ -n "$corpus" ] || fail "no corpus (DOCTAG_SHARED_CORPUS / DOCTAG_FIXTURES)"
doc=$(/usr/bin/python3 -c '
import json, sys
m = json.load(open(sys.argv[1] + "/manifest.json"))
e = sorted((e for e in m if e["kind"] == "text" and e.get("lang") == "eng" and not e.get("benchmark")),
           key=lambda e: (e["pages"], e["path"]))[0]
print(sys.argv[1] + "/" + e["path"])' "$corpus")

# A copy of what the package needs, laid out as in the repository, so the
# build writes nothing into the source tree.
mkdir -p "$tmp/src/bindings"
cp -r "$src/include" "$tmp/src/"
cp "$src/bindings/doctag.i" "$tmp/src/bindings/"
mkdir -p "$tmp/src/bindings/python"
cp -r "$src/bindings/python/doctag" "$src/bindings/python/setup.py" "$src/bindings/python/pyproject.toml" \
  "$src/bindings/python/README.md" "$src/bindings/python/doctag_python.i" "$tmp/src/bindings/python/"
find "$tmp/src" -name __pycache__ -prune -exec rm -rf {} +
export DOCTAG_BUILD_DIR=$build DOCTAG_DATA_DIR=$tmp/data PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1
unset PYTHONPATH

check() {  # check PYTHON: import from its own site, process a PDF, types shipped
  (cd "$tmp" && "$1" - "$doc") <<'PY' || fail "the installed module does not work ($1)"
import os, sys
import doctag
prefix = os.path.realpath(sys.prefix)
assert os.path.realpath(doctag.__file__).startswith(prefix), (doctag.__file__, prefix)
here = os.path.dirname(doctag.__file__)
for f in ("py.typed", "__init__.pyi", "capi.py"):
    assert os.path.exists(os.path.join(here, f)), f
r = doctag.process(sys.argv[1], model="local", num_tags=5)
assert 1 <= len(r.tags) <= 5 and r.page_count >= 1, r
try:
    doctag.process("/no/such/file.pdf")
    raise SystemExit("a missing file did not raise")
except FileNotFoundError as e:
    assert isinstance(e, doctag.NotFound)
print("ok:", doctag.__version__, doctag.__file__, r.tags)
PY
}

echo "== pip install --no-build-isolation ./bindings/python"
/usr/bin/python3 -m venv --system-site-packages "$tmp/venv"
"$tmp/venv/bin/pip" install -q --no-build-isolation "$tmp/src/bindings/python" >"$tmp/pip.log" 2>&1 \
  || { cat "$tmp/pip.log"; fail "pip install"; }
check "$tmp/venv/bin/python"

echo "== python3 -m build --no-isolation (sdist, then a wheel from it)"
(cd "$tmp/src/bindings/python" && /usr/bin/python3 -m build --no-isolation --outdir "$tmp/dist" .) >"$tmp/build.log" 2>&1 \
  || { tail -n 40 "$tmp/build.log"; fail "python3 -m build"; }
ls "$tmp/dist"/doctag-*.tar.gz >/dev/null || fail "no sdist"
wheel=$(ls "$tmp/dist"/doctag-*.whl) || fail "no wheel"
listing=$(tar tzf "$tmp/dist"/doctag-*.tar.gz)
grep -q '_swig/doctag.i$' <<<"$listing" || fail "the sdist lacks the SWIG interface"
/usr/bin/python3 -m venv --system-site-packages "$tmp/venv2"
"$tmp/venv2/bin/pip" install -q "$wheel" >"$tmp/pip2.log" 2>&1 || { cat "$tmp/pip2.log"; fail "pip install the wheel"; }
check "$tmp/venv2/bin/python"
echo "venv install: all steps passed"
