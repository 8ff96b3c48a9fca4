#!/usr/bin/env bash
# Build generated portfolios of 1k, 10k and 100k accounts (5 notes each) with
# kamsite and with Hugo, side by side, and report wall time, CPU time and peak
# memory. Usage: bench/run.sh [SIZES...]   e.g. bench/run.sh 1000 10000
# Needs /usr/bin/time (package `time`) and hugo (package `hugo`); installs
# them with apt-get when missing and allowed.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=("${@:-1000 10000 100000}")
# shellcheck disable=SC2206
SIZES=(${SIZES[*]})
NOTES=5
WORK=${BENCH_DIR:-/tmp/kamsite-bench}
mkdir -p "$WORK"

need() { command -v "$1" >/dev/null 2>&1 || { command -v apt-get >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null; }; }
need /usr/bin/time time
need hugo hugo
need bc bc

cargo build --release --quiet --bin kamsite --example gen_corpus
KAMSITE=$PWD/target/release/kamsite
GEN=$PWD/target/release/examples/gen_corpus

# measure LABEL CMD...: prints one table row from /usr/bin/time -v.
measure() {
  local label=$1; shift
  local log; log=$(mktemp)
  /usr/bin/time -v "$@" >/dev/null 2>"$log" || { echo "$label failed:"; tail -20 "$log"; return 1; }
  local wall user sys rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log")
  user=$(awk -F': ' '/User time/ {print $2}' "$log")
  sys=$(awk -F': ' '/System time/ {print $2}' "$log")
  rss=$(awk -F': ' '/Maximum resident/ {print $2}' "$log")
  # m:ss.cc -> seconds
  wall=$(echo "$wall" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  printf "| %-22s | %8.2f | %8.2f | %8.0f |\n" "$label" "$wall" "$(echo "$user + $sys" | bc)" "$((rss / 1024))"
  echo "$wall" >"$WORK/last-wall"
  rm -f "$log"
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr); $(hugo version | cut -d' ' -f1-2)"
echo
echo "| build                  | wall (s) | CPU (s)  | RSS (MB) |"
echo "|------------------------|---------:|---------:|---------:|"
for n in "${SIZES[@]}"; do
  site=$WORK/site-$n hugo_site=$WORK/hugo-$n
  if [ ! -f "$site/.complete" ]; then
    rm -rf "$site" "$hugo_site"
    "$GEN" --accounts "$n" --notes "$NOTES" --out "$site" --hugo "$hugo_site"
    touch "$site/.complete"
  fi
  rm -rf "$WORK/out-$n" "$WORK/hugo-out-$n"
  measure "kamsite $n accounts" "$KAMSITE" build --root "$site" --out "$WORK/out-$n"
  k=$(cat "$WORK/last-wall")
  measure "hugo $n accounts" hugo --quiet --source "$hugo_site" --destination "$WORK/hugo-out-$n"
  h=$(cat "$WORK/last-wall")
  printf "| %-22s | %8s |          |          |\n" "ratio kamsite/hugo" "$(echo "scale=2; $k / $h" | bc)"
  rm -rf "$WORK/out-$n" "$WORK/hugo-out-$n"
done
