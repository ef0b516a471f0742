#!/bin/sh
# Reads a public header's own comments as Doxygen without changing their
# style: the opening "/*" comment documents the file, a "/* ... */" after a
# struct field or enum value documents that member.
exec sed -e '1s|^/\*$|/** @file|' -e 's|^\([^/]*[;,]\)\( *\)/\* |\1\2/**< |' "$1"
