#!/usr/bin/env bash
# Runs each libFuzzer program of a fuzz build for a fixed time, seeded with the test data, and
# fails when any of them finds a crash, a leak, a hang or undefined behaviour.
# usage: run_fuzzers.sh FUZZ_BUILD_DIR SECONDS [FUZZER...]   (default: every fuzz_* program)
set -euo pipefail

if (($# < 2)); then
    echo "usage: $0 FUZZ_BUILD_DIR SECONDS [FUZZER...]" >&2
    exit 2
fi
build_dir=$(cd "$1" && pwd)
seconds=$2
shift 2
fuzzers=("$@")
if ((${#fuzzers[@]} == 0)); then
    fuzzers=(fuzz_yaml fuzz_validate)
fi
data_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../data" && pwd)

work=$(mktemp -d -t launchdeck-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT

# Seeds: every small file of the test data, flattened into one folder; libFuzzer adds the new
# inputs it finds there, so the committed data is never touched.
seeds=$work/seeds
mkdir -p "$seeds"
while IFS= read -r -d '' file; do
    relative=${file#"$data_dir"/}
    cp "$file" "$seeds/${relative//\//_}"
done < <(find "$data_dir" -type f -size -256k -print0)
echo "fuzz: $(find "$seeds" -type f | wc -l) seed files from tests/data"

artifacts=$build_dir/fuzz-artifacts
mkdir -p "$artifacts"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
export QT_QPA_PLATFORM=offscreen

status=0
for name in "${fuzzers[@]}"; do
    program=$build_dir/tests/fuzz/$name
    if [[ ! -x $program ]]; then
        echo "fuzz: $name: not built at $program" >&2
        status=1
        continue
    fi
    corpus=$work/corpus-$name
    mkdir -p "$corpus"
    cp "$seeds"/. "$corpus"/ -r
    log=$work/$name.log
    if "$program" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=20 \
        -print_final_stats=1 -artifact_prefix="$artifacts/$name-" "$corpus" >"$log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        coverage=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 || true)
        echo "fuzz: $name: ${runs:-?} inputs in ${seconds} s, ${coverage:-cov: ?}, no failure"
    else
        status=1
        echo "fuzz: $name: FAILED; the input that failed is kept in $artifacts" >&2
        tail -n 60 "$log" >&2
    fi
done
exit "$status"
