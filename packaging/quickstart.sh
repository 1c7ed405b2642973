#!/usr/bin/env bash
# The two commands of the README's quick start, safe to repeat on a fresh Debian 12 machine:
#   quickstart.sh open [WORKSPACE]  install what is missing, build, open the console
#   quickstart.sh test              install what is missing, build, run every test suite and
#                                   a short fuzzing run of the parsers
# LAUNCHDECK_BUILD_DIR and LAUNCHDECK_FUZZ_BUILD_DIR move the build trees (default build/ and
# build-fuzz/ in the source tree); LAUNCHDECK_FUZZ_SECONDS sets the time per fuzzer (20, two at a
# time: the fuzzing stays under about two minutes on 2 cores).
set -euo pipefail

source_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${LAUNCHDECK_BUILD_DIR:-$source_dir/build}
fuzz_build_dir=${LAUNCHDECK_FUZZ_BUILD_DIR:-$source_dir/build-fuzz}
fuzz_seconds=${LAUNCHDECK_FUZZ_SECONDS:-20}
jobs=$(nproc)

usage() {
    echo "usage: $0 open [WORKSPACE] | test" >&2
    exit 2
}

step() {
    echo "== $*"
}

configure() {
    cmake -S "$source_dir" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DLAUNCHDECK_BUILD_TESTS=ON
}

# Runs in an `||` list, where errexit does not apply: every step checks its own status.
run_fuzzers() {
    step "fuzz build (clang-14, address and undefined-behaviour sanitizers) in $fuzz_build_dir"
    CC=clang-14 CXX=clang++-14 cmake -S "$source_dir" -B "$fuzz_build_dir" -G Ninja \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLAUNCHDECK_BUILD_TESTS=ON \
        -DLAUNCHDECK_BUILD_BENCHMARKS=OFF -DLAUNCHDECK_BUILD_FUZZERS=ON \
        -DLAUNCHDECK_SANITIZE=address,undefined || return 1
    cmake --build "$fuzz_build_dir" --target launchdeck_fuzzers -j "$jobs" || return 1
    step "fuzzing each parser for ${fuzz_seconds} s"
    "$source_dir/tests/fuzz/run_fuzzers.sh" "$fuzz_build_dir" "$fuzz_seconds"
}

command=${1:-}
case $command in
open)
    (($# <= 2)) || usage
    workspace=${2:-}
    if [[ -n $workspace ]]; then
        workspace=$(cd "$workspace" && pwd)
    fi
    "$source_dir/packaging/install-deps.sh"
    step "build in $build_dir"
    configure
    cmake --build "$build_dir" --target launchdeck -j "$jobs"
    if [[ -z ${DISPLAY:-} && -z ${WAYLAND_DISPLAY:-} && -z ${QT_QPA_PLATFORM:-} ]]; then
        echo "quickstart: no display (DISPLAY and WAYLAND_DISPLAY are unset); the build is in" \
            "$build_dir/app/launchdeck" >&2
        exit 1
    fi
    # The sample workspace follows the local Docker daemon. The dependency installer keeps
    # services from starting while it installs, so start it here when it is not answering.
    if command -v dockerd >/dev/null && ! timeout 10 docker info >/dev/null 2>&1; then
        step "start the local Docker daemon"
        service docker start >/dev/null 2>&1 ||
            echo "quickstart: dockerd did not start; the console shows the host as disconnected" >&2
    fi
    step "open the console"
    if [[ -n $workspace ]]; then
        exec "$build_dir/app/launchdeck" --workspace "$workspace"
    fi
    exec "$build_dir/app/launchdeck"
    ;;
test)
    (($# == 1)) || usage
    "$source_dir/packaging/install-deps.sh"
    step "build in $build_dir"
    configure
    cmake --build "$build_dir" -j "$jobs"
    # Each suite starts the servers it talks to (dockerd, HAProxy, nginx, D-Bus) on its own
    # sockets, ports and data folders, and stops them by pid when it ends. Suites spend much of
    # their time waiting on those servers, so one more runs than there are cores.
    step "test suites"
    status=0
    ctest_log=$(mktemp)
    test_jobs=$((jobs + 1))
    ctest --test-dir "$build_dir" --output-on-failure -j "$test_jobs" 2>&1 | tee "$ctest_log" ||
        status=1
    # "N% tests passed, F tests failed out of T": the suites' totals for the closing line.
    total=$(sed -n 's/.*tests failed out of \([0-9]*\).*/\1/p' "$ctest_log" | tail -n 1)
    failed=$(sed -n 's/.*tests passed, \([0-9]*\) tests failed.*/\1/p' "$ctest_log" | tail -n 1)
    rm -f "$ctest_log"
    total=${total:-0}
    failed=${failed:-0}
    fuzz_failed=0
    run_fuzzers || fuzz_failed=1
    ((fuzz_failed == 0)) || status=1
    if ((status != 0)); then
        echo "quickstart: some tests FAILED (see above)" >&2
    else
        echo "quickstart: every test passed"
    fi
    # One line for CI: the suites plus the fuzzing run, which counts as one test.
    echo "tests: $((total - failed + 1 - fuzz_failed)) passed, $((failed + fuzz_failed)) failed"
    exit "$status"
    ;;
*)
    usage
    ;;
esac
