#!/usr/bin/env bash
# Feeds every malformed file of this folder, plus a few too large to commit (made here in a
# scratch folder), to `launchdeck validate`: each must be rejected with exit status 1 or 2 and
# a message naming the file, within 20 s and 2 GB, never with a crash or a hang.
# usage: run_invalid_corpus.sh LAUNCHDECK_BINARY [CORPUS_DIR]
set -uo pipefail

if (($# < 1)); then
    echo "usage: $0 LAUNCHDECK_BINARY [CORPUS_DIR]" >&2
    exit 2
fi
binary=$1
corpus=$(cd "${2:-$(dirname "${BASH_SOURCE[0]}")}" && pwd)
time_limit=20
memory_limit_kb=$((2 * 1024 * 1024))

work=$(mktemp -d -t launchdeck-corpus.XXXXXX)
trap 'rm -rf "$work"' EXIT

generated=$work/generated
mkdir -p "$generated"
python3 - "$generated" <<'PY'
import os, sys
out = sys.argv[1]
depth = 10000
with open(os.path.join(out, "deep-flow-sequences.yaml"), "w") as f:
    f.write("items: " + "[" * depth + "]" * depth + "\n")
with open(os.path.join(out, "deep-flow-mappings.yaml"), "w") as f:
    f.write("{a: " * depth + "1" + "}" * depth + "\n")
with open(os.path.join(out, "deep-block-sequences.yaml"), "w") as f:
    f.write("- " * depth + "x\n")
line = b"key_%07d: a value long enough to fill the file quickly\n"
with open(os.path.join(out, "huge-50mb.yaml"), "wb") as f:
    written, i = 0, 0
    while written < 50 * 1024 * 1024:
        chunk = b"".join(line % (i + n) for n in range(10000))
        f.write(chunk)
        written += len(chunk)
        i += 10000
PY

export QT_QPA_PLATFORM=offscreen LC_ALL=C.UTF-8

files=()
while IFS= read -r -d '' file; do
    files+=("$file")
done < <(find "$corpus" "$generated" -type f ! -name "$(basename "${BASH_SOURCE[0]}")" -print0 | sort -z)

failures=0
for file in "${files[@]}"; do
    name=$(basename "$file")
    shown=${file#"$corpus"/}
    shown=${shown#"$work"/}
    output=$work/output
    (
        ulimit -v "$memory_limit_kb"
        exec timeout -s KILL "$time_limit" "$binary" validate "$file"
    ) >"$output" 2>&1 </dev/null
    status=$?
    problem=
    if ((status == 137)); then
        problem="killed: over ${time_limit} s, or killed by a signal"
    elif ((status > 128)); then
        problem="died of signal $((status - 128))"
    elif ((status == 0)); then
        problem="accepted (exit status 0)"
    elif ((status != 1 && status != 2)); then
        problem="exit status $status (expected 1 or 2)"
    elif [[ ! -s $output ]]; then
        problem="printed nothing"
    elif ! grep -qF -- "$name" "$output"; then
        problem="output does not name $name"
    fi
    if [[ -n $problem ]]; then
        failures=$((failures + 1))
        echo "FAIL $shown: $problem"
        head -c 2000 "$output" | sed 's/^/    /'
    else
        echo "ok   $shown: exit $status: $(grep -m1 -F -- "$name" "$output" | cut -c1-160)"
    fi
done

echo "${#files[@]} malformed files, $failures not rejected cleanly"
((failures == 0))
