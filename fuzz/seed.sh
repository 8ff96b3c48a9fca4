#!/usr/bin/env bash
# Seed corpus/<target>/ with the starter site's files and the example site.yaml.
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cargo run --quiet --manifest-path ../Cargo.toml --bin kamsite -- init "$tmp/s" >/dev/null
for t in site_yaml account_yaml note review plan; do mkdir -p "corpus/$t"; done
cp "$tmp/s/site.yaml" corpus/site_yaml/starter
cp ../content/site.yaml corpus/site_yaml/example
cp "$tmp/s/accounts/acme-industrial/account.yaml" corpus/account_yaml/starter
cp "$tmp"/s/accounts/acme-industrial/notes/*.md corpus/note/starter
cp "$tmp"/s/accounts/acme-industrial/reviews/*.md corpus/review/starter
cp "$tmp"/s/accounts/acme-industrial/plans/*.yaml corpus/plan/starter
for f in ../content/accounts/*/account.yaml; do cp "$f" "corpus/account_yaml/$(basename "$(dirname "$f")")"; done
