#!/bin/sh
# tests/fuzz/run.sh FUZZ_BUILD SECONDS "EXTRA ARGS" TARGET... -- runs each
# libFuzzer target for SECONDS, one after the other (one process each), on
# its seeds tests/fuzz/<target>/ plus the corpus earlier runs grew in
# FUZZ_BUILD/corpus/<target>/ (new inputs are written there, never into
# the source tree).  A crash, leak, UB report, timeout or OOM stops with
# exit 1; the input is kept in FUZZ_BUILD/artifacts/.  A dictionary
# tests/fuzz/<target>.dict is used when present.  libFuzzer runs in
# FUZZ_BUILD/run/<target>/, so that the logs of -jobs=N workers
# (fuzz-N.log) land there too.
set -u
src=$(pwd)
case $1 in /*) build=$1 ;; *) build=$src/$1 ;; esac
seconds=$2 extra=$3
shift 3
fail=0
mkdir -p "$build/artifacts"
for t in "$@"; do
    mkdir -p "$build/corpus/$t" "$build/run/$t"
    rm -f "$build/run/$t"/fuzz-*.log
    dict=""
    [ -f "tests/fuzz/$t.dict" ] && dict="-dict=$src/tests/fuzz/$t.dict"
    echo "== fuzz $t: ${seconds} s"
    log="$build/fuzz_$t.log"
    # shellcheck disable=SC2086
    (cd "$build/run/$t" &&
     ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
     "$build/fuzz_$t" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$build/artifacts/$t-" $dict $extra \
        "$build/corpus/$t" "$src/tests/fuzz/$t") > "$log" 2>&1
    rc=$?
    for l in "$log" "$build/run/$t"/fuzz-*.log; do
        [ -f "$l" ] || continue
        grep -E '^(#[0-9]+.*(DONE|INITED)|stat::number_of_executed_units|stat::peak_rss_mb|stat::new_units_added)' "$l" \
            | sed "s/^/   $t: /"
    done
    if [ $rc -ne 0 ]; then
        echo "fuzz $t: FAILED (exit $rc); the log is $log:"
        cat "$log" "$build/run/$t"/fuzz-*.log 2>/dev/null |
            grep -E 'ERROR|SUMMARY|runtime error|does not hold|fuzz_[a-z]*:|Test unit written' | head -20
        fail=1
    fi
done
exit $fail
