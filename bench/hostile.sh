#!/usr/bin/env bash
# Hostile scale cases (examples/gen_hostile.rs): for each, the time, peak
# memory and exit code of `kamsite check` and `kamsite build`, and the size
# of the output. See bench/HOSTILE.md for results.
# Usage: bench/hostile.sh [CASE[:N]...]   e.g. bench/hostile.sh competitors:2000
#        KAMSITE=/path/to/kamsite bench/hostile.sh   (another binary, e.g. an older build)
#        HOSTILE_TIMEOUT=120 (seconds per command; default 300)
# Without KAMSITE, builds target/release/kamsite. Needs /usr/bin/time (package `time`).
set -euo pipefail
cd "$(dirname "$0")/.."

CASES=("${@:-long-line chain competitors competitors:2000 factors nested-div plans}")
# shellcheck disable=SC2206
CASES=(${CASES[*]})
WORK=${BENCH_DIR:-/tmp/kamsite-hostile}
LIMIT=${HOSTILE_TIMEOUT:-300}
mkdir -p "$WORK"
command -v /usr/bin/time >/dev/null || { command -v apt-get >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null; }

TARGET=${CARGO_TARGET_DIR:-$PWD/target}
if [[ -z "${KAMSITE:-}" ]]; then
  cargo build --release --quiet --bin kamsite
  KAMSITE=$TARGET/release/kamsite
fi
GEN=${GEN:-}
if [[ -z "$GEN" ]]; then
  cargo build --release --quiet --example gen_hostile
  GEN=$TARGET/release/examples/gen_hostile
fi

# One command under /usr/bin/time -v: "wall_s peak_MB exit".
measure() {
  local log=$WORK/time.log code=0
  timeout "$LIMIT" /usr/bin/time -v -o "$log" "$@" >/dev/null 2>"$WORK/stderr.log" || code=$?
  if [[ $code -eq 124 ]]; then
    echo "timeout(${LIMIT}s) - $code"
    return
  fi
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$log")
  echo "$wall $rss $code"
}

printf '| case | check s | check MB | check exit | build s | build MB | build exit | output MB |\n'
printf '|---|---|---|---|---|---|---|---|\n'
for spec in "${CASES[@]}"; do
  case_name=${spec%%:*}
  n=""
  [[ "$spec" == *:* ]] && n=${spec#*:}
  site=$WORK/site-$case_name${n:+-$n}
  "$GEN" "$case_name" "$site" $n
  read -r cw cm cc <<<"$(measure "$KAMSITE" check --root "$site")"
  rm -rf "$WORK/out"
  read -r bw bm bc <<<"$(measure "$KAMSITE" build --root "$site" --out "$WORK/out")"
  size=$( [[ -d $WORK/out ]] && du -sm "$WORK/out" | cut -f1 || echo "-")
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$spec" "$cw" "$cm" "$cc" "$bw" "$bm" "$bc" "$size"
done
