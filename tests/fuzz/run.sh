#!/bin/sh
# tests/fuzz/run.sh FUZZ_BUILD SECONDS "EXTRA ARGS" TARGET... -- runs each
# libFuzzer target for SECONDS, one after the other (one process each), on
# its seeds tests/fuzz/<target>/ plus the corpus earlier runs grew in
# FUZZ_BUILD/corpus/<target>/ (new inputs are written there, never into
# the source tree).  A crash, leak, UB report, timeout or OOM stops with
# exit 1; the input is kept in FUZZ_BUILD/artifacts/.  A dictionary
# tests/fuzz/<target>.dict is used when present.
set -u
build=$1 seconds=$2 extra=$3
shift 3
fail=0
mkdir -p "$build/artifacts"
for t in "$@"; do
    mkdir -p "$build/corpus/$t"
    dict=""
    [ -f "tests/fuzz/$t.dict" ] && dict="-dict=tests/fuzz/$t.dict"
    echo "== fuzz $t: ${seconds} s"
    log="$build/fuzz_$t.log"
    # shellcheck disable=SC2086
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    "$build/fuzz_$t" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$build/artifacts/$t-" $dict $extra \
        "$build/corpus/$t" "tests/fuzz/$t" > "$log" 2>&1
    rc=$?
    grep -E '^(#[0-9]+.*(DONE|INITED)|stat::number_of_executed_units|stat::peak_rss_mb|stat::new_units_added)' "$log" \
        | sed "s/^/   $t: /"
    if [ $rc -ne 0 ]; then
        echo "fuzz $t: FAILED (exit $rc); the log is $log:"
        grep -E 'ERROR|SUMMARY|runtime error|does not hold|failed|Test unit written' "$log" | head -20
        fail=1
    fi
done
exit $fail
