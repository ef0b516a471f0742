#!/bin/sh
# Fetches the vendored Swagger UI that GET /api/docs renders the OpenAPI
# document with (web area). Pinned version and tarball checksum: the server
# never loads anything from a CDN, and a changed tarball fails here rather
# than at run time. Writes web/vendor/swagger-ui/ in the source tree, which
# the build links into build/web and `cmake --install` copies to
# share/doctag/web. Needs npm (Debian's package) and the npm registry.
# Idempotent: does nothing when the pinned version is already there.
set -eu
VERSION=5.35.0
SHA256=1b8e891893404ea4c3558b6a87e2a3e494e7eedba41168c2ece5800a391a6ea6
root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/web/vendor/swagger-ui"
if [ -f "$dest/VERSION" ] && [ "$(cat "$dest/VERSION")" = "$VERSION" ]; then
  exit 0
fi
command -v npm >/dev/null || { echo "fetch-web-vendor: npm is needed (apt-get install npm)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "swagger-ui-dist@$VERSION" >/dev/null)
tgz="$tmp/swagger-ui-dist-$VERSION.tgz"
echo "$SHA256  $tgz" | sha256sum -c --quiet - || { echo "fetch-web-vendor: checksum mismatch for swagger-ui-dist $VERSION" >&2; exit 1; }
tar -xzf "$tgz" -C "$tmp"
rm -rf "$dest"
mkdir -p "$dest"
for f in swagger-ui-bundle.js swagger-ui.css LICENSE NOTICE swagger-ui-bundle.js.LICENSE.txt; do
  cp "$tmp/package/$f" "$dest/$f"
done
echo "$VERSION" > "$dest/VERSION"
echo "fetch-web-vendor: swagger-ui-dist $VERSION in $dest"
