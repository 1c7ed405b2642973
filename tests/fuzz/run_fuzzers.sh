#!/usr/bin/env bash
# Runs each libFuzzer program of a fuzz build for a fixed time from its seed corpus, a few at a
# time, reports each one's result as it ends, and fails when any of them finds a crash, a leak, a
# hang, an out-of-memory or undefined behaviour; the input that failed is kept and named.
# usage: run_fuzzers.sh FUZZ_BUILD_DIR SECONDS [FUZZER...]
#   SECONDS: fuzzing time per program; FUZZER: default every tests/fuzz/fuzz_*.cpp.
#   LAUNCHDECK_FUZZ_JOBS: programs run at once (default 2; each uses one core).
set -euo pipefail

if (($# < 2)); then
    echo "usage: $0 FUZZ_BUILD_DIR SECONDS [FUZZER...]" >&2
    exit 2
fi
build_dir=$(cd "$1" && pwd)
seconds=$2
shift 2
jobs=${LAUNCHDECK_FUZZ_JOBS:-2}
if [[ ! $seconds =~ ^[1-9][0-9]*$ ]]; then
    echo "run_fuzzers: SECONDS must be a positive whole number, not '$seconds'" >&2
    exit 2
fi
if [[ ! $jobs =~ ^[1-9][0-9]*$ ]]; then
    echo "run_fuzzers: LAUNCHDECK_FUZZ_JOBS must be a positive whole number, not '$jobs'" >&2
    exit 2
fi
fuzz_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
data_dir=$(cd "$fuzz_dir/../data" && pwd)
fuzzers=("$@")
if ((${#fuzzers[@]} == 0)); then
    for source in "$fuzz_dir"/fuzz_*.cpp; do
        fuzzers+=("$(basename "$source" .cpp)")
    done
fi

work=$(mktemp -d -t launchdeck-fuzz.XXXXXX)
cleanup() {
    local running_jobs
    running_jobs=$(jobs -p)
    if [[ -n $running_jobs ]]; then
        # shellcheck disable=SC2086 # one pid a word
        kill $running_jobs 2>/dev/null || true
        wait 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

artifacts=$build_dir/fuzz-artifacts
mkdir -p "$artifacts"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
export QT_QPA_PLATFORM=offscreen

# A program's corpus: its seeds from corpus/<program>/, plus every small file of the test data
# for the YAML programs. libFuzzer adds the inputs it finds there, so the committed seeds are
# never touched.
prepare_corpus() {
    local name=$1 corpus=$work/corpus-$1 file relative
    mkdir -p "$corpus"
    if [[ -d $fuzz_dir/corpus/$name ]]; then
        cp -r "$fuzz_dir/corpus/$name"/. "$corpus"/
    fi
    case $name in
    fuzz_yaml | fuzz_validate)
        while IFS= read -r -d '' file; do
            relative=${file#"$data_dir"/}
            cp "$file" "$corpus/data_${relative//\//_}"
        done < <(find "$data_dir" -type f -size -256k -print0)
        ;;
    esac
    echo "$corpus"
}

# Runs one program in the background; its exit status and wall time go to <program>.status.
start() {
    local name=$1 program=$build_dir/tests/fuzz/$1 corpus options=()
    corpus=$(prepare_corpus "$name")
    if [[ -f $fuzz_dir/$name.dict ]]; then
        options+=("-dict=$fuzz_dir/$name.dict")
    fi
    (
        started=$(date +%s)
        status=0
        "$program" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=20 \
            -print_final_stats=1 "${options[@]}" -artifact_prefix="$artifacts/$name-" \
            "$corpus" >"$work/$name.log" 2>&1 &
        child=$!
        # Stopping the script stops the program too, not only this subshell.
        trap 'kill "$child" 2>/dev/null; exit 143' TERM
        wait "$child" || status=$?
        echo "$status $(($(date +%s) - started)) $(find "$corpus" -type f | wc -l)" \
            >"$work/$name.status.tmp"
        mv "$work/$name.status.tmp" "$work/$name.status"
    ) &
}

failed=0
report() {
    local name=$1 log=$work/$1.log rc elapsed corpus_size runs coverage artifact summary own
    read -r rc elapsed corpus_size <"$work/$name.status"
    if ((rc == 0)); then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        coverage=$(grep -ao 'cov: [0-9]*' "$log" | tail -n 1 || true)
        echo "fuzz: $name: ${runs:-?} inputs in $elapsed s, ${coverage:-cov: ?}," \
            "corpus $corpus_size, no failure"
        return
    fi
    failed=$((failed + 1))
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
    # The program's own word on a broken invariant comes first, else the sanitizer's summary.
    summary=$(grep -a -m 1 '^SUMMARY: ' "$log" | cut -c 1-300 || true)
    own=$(grep -a -m 1 "^$name: " "$log" | cut -c 1-300 || true)
    {
        echo "fuzz: $name: FAILED after $elapsed s: ${own:-${summary:-exit status $rc}}"
        if [[ -n $artifact ]]; then
            echo "fuzz: $name: the failing input is kept in $artifact"
            echo "fuzz: $name: replay it with $build_dir/tests/fuzz/$name $artifact"
        else
            echo "fuzz: $name: no input was kept (see $artifacts)"
        fi
        tail -n 40 "$log" | cut -c 1-300 | sed 's/^/    /'
    } >&2
}

started=$(date +%s)
pending=("${fuzzers[@]}")
running=()
while ((${#pending[@]} > 0 || ${#running[@]} > 0)); do
    while ((${#pending[@]} > 0 && ${#running[@]} < jobs)); do
        name=${pending[0]}
        pending=("${pending[@]:1}")
        if [[ ! -x $build_dir/tests/fuzz/$name ]]; then
            echo "fuzz: $name: FAILED: not built at $build_dir/tests/fuzz/$name" >&2
            failed=$((failed + 1))
            continue
        fi
        start "$name"
        running+=("$name")
    done
    ((${#running[@]} > 0)) || break
    waited=0
    wait -n || waited=$?
    still=()
    for name in "${running[@]}"; do
        if [[ -f $work/$name.status ]]; then
            report "$name"
        elif ((waited == 127)); then
            # No child is left, so this one ended without writing its status: it was killed.
            echo "fuzz: $name: FAILED: stopped before it reported" >&2
            tail -n 40 "$work/$name.log" 2>/dev/null | sed 's/^/    /' >&2
            failed=$((failed + 1))
        else
            still+=("$name")
        fi
    done
    running=("${still[@]+"${still[@]}"}")
done
echo "fuzz: ${#fuzzers[@]} programs, $failed failed, $seconds s each, $jobs at a time," \
    "$(($(date +%s) - started)) s in all"
((failed == 0))
