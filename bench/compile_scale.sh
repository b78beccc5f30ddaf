#!/bin/sh
# bench/compile_scale.sh BUILD [N...] -- what a large schema costs to build.
#
# For synthetic schemas of N models (bench/gen_schema.sh; default 200, 1000
# and 2000), generates the C as one source (one), with --split-into P
# (parts; P = SPLIT_PARTS, default 16) and, up to SPLIT_MAX models (default
# 200), with --split (one source per model: every source reads the types
# of every model, so that part grows with the square of the models), and, with
# generate --compact (each function one call into libmodelc, driven by a table
# per model), as one source (compact) and --split-into P (compact-parts);
# compiles every source with `gcc -O2 -c` (the way an application would), printing
#   lines/model   lines of .c + .h the generator wrote, per model
#   cpu s         user + system CPU seconds of every compiler run
#   peak MiB      the largest resident set of one compiler run
# The split sources are compiled one after the other (nice, one core), so
# the CPU seconds compare directly; `make -j` would spread them over cores.
#
# Environment: CC (default gcc), COMPILE_FLAGS (default -O2), LAYOUTS (the
# layouts to measure, default all: "one parts split compact compact-parts").
# Reported, never asserted.  Needs /usr/bin/time (GNU time, Debian package `time`).
set -eu

TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-build}" && pwd)
[ $# -gt 0 ] && shift
SIZES=${*:-200 1000 2000}
OUT=$BUILD/bench/compile_scale
MODELC=$BUILD/modelc
CC=${CC:-gcc}
SPLIT_PARTS=${SPLIT_PARTS:-16}
SPLIT_MAX=${SPLIT_MAX:-200}
FLAGS=${COMPILE_FLAGS:--O2}

if [ ! -x /usr/bin/time ]; then
    echo "compile_scale: /usr/bin/time (GNU time) is not installed: skipped"
    exit 0
fi
mkdir -p "$OUT"

# compile DIR FILE... -> "cpu_seconds peak_kib" of compiling each FILE in turn
compile() {
    dir=$1
    shift
    for f in "$@"; do
        nice /usr/bin/time -f '%U %S %M' -o "$dir/.time" \
            "$CC" -std=c11 $FLAGS -I"$dir" -I"$TOP/runtime" -c -o "$dir/$(basename "$f" .c).o" "$f"
        cat "$dir/.time"
    done | awk '{ cpu += $1 + $2; if ($3 > peak) peak = $3 } END { printf "%.1f %d\n", cpu, peak }'
}

echo "== build cost: $CC $FLAGS -c of generated code (bench/gen_schema.sh models)"
echo "(one: a single source; parts: --split-into $SPLIT_PARTS; split: --split, one source per model;"
echo " compact, compact-parts: the same with --compact)"
printf '%8s %13s %12s %9s %10s\n' models layout lines/model "cpu s" "peak MiB"
for n in $SIZES; do
    sh "$TOP/bench/gen_schema.sh" "$n" > "$OUT/schema_$n.model"
    for layout in ${LAYOUTS:-one parts split compact compact-parts}; do
        [ "$layout" = split ] && [ "$n" -gt "$SPLIT_MAX" ] && continue
        dir=$OUT/${layout}_$n
        rm -rf "$dir"
        mkdir -p "$dir"
        case $layout in
        one) "$MODELC" generate "$OUT/schema_$n.model" -o "$dir" ;;
        parts) "$MODELC" generate "$OUT/schema_$n.model" -o "$dir" --split-into "$SPLIT_PARTS" ;;
        split) "$MODELC" generate "$OUT/schema_$n.model" -o "$dir" --split ;;
        compact) "$MODELC" generate "$OUT/schema_$n.model" -o "$dir" --compact ;;
        compact-parts) "$MODELC" generate "$OUT/schema_$n.model" -o "$dir" --compact --split-into "$SPLIT_PARTS" ;;
        *) echo "compile_scale: unknown layout '$layout'" >&2; exit 2 ;;
        esac
        lines=$(cat "$dir"/*.c "$dir"/*.h | wc -l)
        set -- $(compile "$dir" "$dir"/*.c)
        awk -v n="$n" -v l="$layout" -v lines="$lines" -v cpu="$1" -v kib="$2" \
            'BEGIN { printf "%8d %13s %12.0f %9.1f %10.0f\n", n, l, lines / n, cpu, kib / 1024 }'
        rm -f "$dir"/*.o
    done
done
