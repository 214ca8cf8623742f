#!/usr/bin/env bash
# fuzz/run.sh - runs every libFuzzer target of fuzz/ for a bounded time (issue 8).
#
#   usage: fuzz/run.sh [SECONDS_PER_TARGET]     (default 30)
#          DCV_FUZZ_BUILD=DIR  where the targets are (default: build-fuzz/fuzz)
#          DCV_FUZZ_ONLY="nginx_config_fuzz dns_message_fuzz"  run only these
#
# Builds nothing: `cmake --preset fuzz && cmake --build --preset fuzz` first. Each target
# gets a seed corpus made from the test fixtures (copied into a temporary directory, so
# nothing under the checkout is written) and runs with -max_total_time=SECONDS,
# -timeout=5 (a hang), -rss_limit_mb=2048 (memory) and -detect_leaks=1. Per target it
# prints the executions, the executions per second and OK or CRASH. A crash, a hang, a
# leak, an out-of-memory or a sanitizer report fails the run (exit 1); the input that
# caused it is kept under $DCV_FUZZ_BUILD/artifacts/ and printed in base64, so that it
# can become a regression test of the parser.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=${1:-30}
build=${DCV_FUZZ_BUILD:-$root/build-fuzz/fuzz}
fixtures=$root/tests/fixtures
targets=(nginx_config_fuzz apache_config_fuzz nft_json_fuzz iptables_save_fuzz
         probe_request_fuzz dns_message_fuzz)
if [ -n "${DCV_FUZZ_ONLY:-}" ]; then read -r -a targets <<< "$DCV_FUZZ_ONLY"; fi

if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
  echo "fuzz/run.sh: SECONDS must be a positive number, not '$seconds'" >&2
  exit 2
fi
for t in "${targets[@]}"; do
  if [ ! -x "$build/$t" ]; then
    echo "fuzz/run.sh: $build/$t is not built (cmake --preset fuzz && cmake --build --preset fuzz)" >&2
    exit 2
  fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/dcv-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT

# seed TARGET FILE...: copies the files into TARGET's corpus, keeping their paths below it
# (libFuzzer reads corpus directories recursively; one cp for all, the machine may be busy).
seed() {
  local dir=$work/$1/corpus f
  shift
  mkdir -p "$dir"
  local files=()
  for f in "$@"; do [ -f "$f" ] && files+=("${f#/}"); done
  if [ ${#files[@]} -gt 0 ]; then (cd / && cp --parents -t "$dir" "${files[@]}"); fi
}

# The fixtures each parser reads in the unit tests (documentation files left out).
mapfile -t nginx_files < <(find "$fixtures/nginx/corpus" -type f ! -name '*.md' ! -name '*.tsv')
mapfile -t apache_files < <(find "$fixtures/apache/corpus" -type f ! -name '*.md' ! -name '*.tsv')
seed nginx_config_fuzz "${nginx_files[@]}"
seed apache_config_fuzz "${apache_files[@]}"
seed nft_json_fuzz "$fixtures"/nft/*.json "$fixtures"/nft/*.txt "$fixtures"/nft/*.nft \
  "$fixtures"/iptables/*.nft.json
seed iptables_save_fuzz "$fixtures"/iptables/*.txt
seed probe_request_fuzz "$root"/fuzz/seeds/probe_request/*
seed dns_message_fuzz "$fixtures"/dns/*.bin "$fixtures"/dns/update/*.request \
  "$fixtures"/dns/update/*.response "$fixtures"/dns/update/key.txt \
  "$fixtures"/dns/update/tsig-keygen.key

# final_stat NAME LOG: the value of libFuzzer's -print_final_stats line stat::NAME.
final_stat() { sed -n "s/^stat::$1: *//p" "$2" | tail -n 1; }

failed=0
printf '%-22s %12s %10s  %s\n' target executions exec/s result
for t in "${targets[@]}"; do
  dir=$work/$t
  mkdir -p "$dir/found"
  # The first corpus directory receives the new inputs; the seeds stay as they are.
  cp -r "$dir/corpus" "$dir/grown"
  log=$dir/log
  # The hard limit covers loading the seeds and a slow last input on top of SECONDS.
  timeout -k 10 $((seconds + 120)) "$build/$t" "$dir/grown" \
    -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -detect_leaks=1 \
    -print_final_stats=1 -artifact_prefix="$dir/found/" > "$log" 2>&1
  rc=$?
  execs=$(final_stat number_of_executed_units "$log")
  rate=$(final_stat average_exec_per_sec "$log")
  artifacts=("$dir"/found/*)
  if [ "$rc" = 0 ] && [ ! -e "${artifacts[0]}" ]; then
    printf '%-22s %12s %10s  %s\n' "$t" "${execs:-?}" "${rate:-?}" OK
    continue
  fi
  failed=1
  printf '%-22s %12s %10s  %s\n' "$t" "${execs:-?}" "${rate:-?}" "CRASH (exit $rc)"
  echo "---- $t: libFuzzer's report (last 100 lines)"
  tail -n 100 "$log"
  mkdir -p "$build/artifacts/$t"
  for a in "${artifacts[@]}"; do
    [ -e "$a" ] || continue
    cp "$a" "$build/artifacts/$t/"
    echo "---- $t: input $(basename "$a") ($(wc -c < "$a") bytes), kept as $build/artifacts/$t/$(basename "$a"), base64:"
    base64 -w 76 "$a"
  done
done

if [ "$failed" != 0 ]; then
  echo "fuzz/run.sh: FAILED: a target crashed, hung, leaked or ran out of memory (inputs above)"
  exit 1
fi
echo "fuzz/run.sh: all ${#targets[@]} targets ran ${seconds} s each without a finding"
