#!/bin/sh
# Builds the libxlutil oracle. Needs gcc and Debian's libxenmisc4.17 (libxlutil.so.4.17).
# usage: build.sh <output-binary>
set -e
here=$(dirname "$0")
out=${1:-$here/xlu-oracle}
lib=/usr/lib/x86_64-linux-gnu/libxlutil.so.4.17
[ -e "$lib" ] || { echo "missing $lib (apt-get install libxenmisc4.17)" >&2; exit 1; }
exec gcc -std=gnu11 -O1 -Wall -o "$out" "$here/xlu-oracle.c" "$lib"
