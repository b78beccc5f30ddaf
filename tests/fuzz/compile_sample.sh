#!/bin/sh
# tests/fuzz/compile_sample.sh MODELC MAX DIR... -- the part of the schema
# fuzzer that is too slow for its loop: of the schemas in DIR... that
# `modelc generate` accepts (at most MAX of them, 0 = all, spread over the
# list), the generated source must compile with -Werror as C11, and the
# header as C++ when g++ is there.  Exit 1 naming each one that does not.
set -u
modelc=$1 max=$2
shift 2
src=$(pwd)
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
ls_inputs() {
    for d in "$@"; do
        [ -d "$d" ] && find "$d" -type f ! -name '*.err' ! -name 'README*'
    done | sort
}
# The accepted ones first (`modelc sql` is quick), then a spread sample.
ls_inputs "$@" > "$work/inputs"
all=$(wc -l < "$work/inputs")
: > "$work/accepted"
while IFS= read -r f; do
    "$modelc" sql "$f" >/dev/null 2>&1 && printf '%s\n' "$f" >> "$work/accepted"
done < "$work/inputs"
accepted=$(wc -l < "$work/accepted")
step=1
[ "$max" -gt 0 ] && [ "$accepted" -gt "$max" ] && step=$(( accepted / max ))
n=0 compiled=0 fail=0
while IFS= read -r f; do
    n=$((n + 1))
    [ $(( (n - 1) % step )) -eq 0 ] || continue
    rm -rf "$work/out" && mkdir -p "$work/out"
    cp "$f" "$work/s.model"
    if ! "$modelc" generate "$work/s.model" -o "$work/out" > "$work/cc.log" 2>&1; then
        echo "compile_sample: modelc sql accepts $f but generate does not:"; head -20 "$work/cc.log"; fail=1
        continue
    fi
    compiled=$((compiled + 1))
    if ! cc -std=c11 -Wall -Wextra -Wpedantic -Werror -I"$work/out" -I"$src/runtime" \
            -c -o "$work/out/s.o" "$work/out/s.c" > "$work/cc.log" 2>&1; then
        echo "compile_sample: the C generated from $f does not compile:"; head -20 "$work/cc.log"; fail=1
    elif command -v g++ >/dev/null 2>&1 && ! g++ -x c++ -std=c++11 -Wall -Wextra -pedantic -Werror \
            -fsyntax-only -I"$work/out" -I"$src/runtime" "$work/out/s.h" > "$work/cc.log" 2>&1; then
        echo "compile_sample: the header generated from $f is not valid C++:"; head -20 "$work/cc.log"; fail=1
    fi
done < "$work/accepted"
echo "compile_sample: $compiled of $accepted accepted schemas ($all inputs) compiled as C11 and C++"
[ "$compiled" -gt 0 ] || { echo "compile_sample: no accepted schema in $*"; exit 1; }
exit $fail
