#!/bin/sh
# bench/callgrind.sh --stream OUT DB -- the streaming runs of crud_bench
# counted the same way, whole process each, against the hand-written loop.
#
# bench/callgrind.sh OUT -- the CRUD comparison of crud_bench counted in
# instructions: one run of OUT/crud_bench under callgrind (deterministic,
# whatever else the machine does), then for each op the inclusive count of
# gen_<op> against hand_<op>, and their ratio.  Time on a shared machine
# is noisy; instructions are not.
#
# Environment: CALLGRIND_N (rows, default 10000).  Prints a note and
# succeeds without valgrind.
set -eu
if ! command -v valgrind >/dev/null 2>&1 || ! command -v callgrind_annotate >/dev/null 2>&1; then
    echo "(valgrind is not installed: no instruction counts)"
    exit 0
fi

# Total instructions of one crud_bench run ("summary:" of the callgrind file).
total() {
    valgrind --tool=callgrind --callgrind-out-file="$OUT/stream.callgrind" "$OUT/crud_bench" "$@" \
        >/dev/null 2>"$OUT/callgrind.log" || { cat "$OUT/callgrind.log" >&2; exit 1; }
    awk '/^summary:/ { print $2 }' "$OUT/stream.callgrind"
}

if [ "$1" = --stream ]; then
    OUT=$2
    hand=$(total --stream-hand "$3")
    gen=$(total --stream "$3")
    single=$(total --stream-single "$3")
    lent=$(total --stream-lent "$3")
    lent1=$(total --stream-lent-single "$3")
    awk -v h="$hand" -v g="$gen" -v s="$single" -v l="$lent" -v l1="$lent1" '
        function row(name, v, goal) {
            printf "  %-46s %14.0f %8.3f%s\n", name, v, v / h, (goal && v / h > goal ? sprintf("  (> %.2f target)", goal) : "")
        }
        BEGIN {
            printf "instructions (callgrind, whole run), against the hand-written step + strdup loop:\n"
            row("hand-written sqlite3_step + strdup", h, 0)
            row("post_query_next (copies)", g, 0)
            row("post_query_next, single-thread connection", s, 0)
            row("post_query_next_borrowed (lent)", l, 0.90)
            row("post_query_next_borrowed, single-thread", l1, 0.90)
        }'
    exit 0
fi
OUT=$1
n=${CALLGRIND_N:-10000}
BENCH_N=$n BENCH_ROUNDS=1 valgrind --tool=callgrind --callgrind-out-file="$OUT/crud.callgrind" \
    "$OUT/crud_bench" "$OUT" "$OUT/blog.sql" >/dev/null 2>"$OUT/callgrind.log" || {
    cat "$OUT/callgrind.log" >&2; exit 1; }
callgrind_annotate --inclusive=yes --threshold=100 "$OUT/crud.callgrind" > "$OUT/crud.annotate" 2>/dev/null
"$OUT/crud_bench" --ops > "$OUT/ops.txt"
echo "N = $n, instructions (callgrind, inclusive), generated / hand-written"
awk -F'\t' -v ann="$OUT/crud.annotate" '
    BEGIN {
        while ((getline line < ann) > 0) {
            if (match(line, /:(gen|hand)_[a-z_]+ \[/)) {
                fn = substr(line, RSTART + 1, RLENGTH - 3)
                split(line, f, " ")
                v = f[1]; gsub(",", "", v)
                ir[fn] = v + 0
            }
        }
        printf "%-30s %15s %15s %8s\n", "op", "generated", "hand", "ratio"
    }
    {
        g = ir["gen_" $1]; h = ir["hand_" $1]
        if (!g || !h) { printf "%-30s %15s\n", $2, "(not counted)"; next }
        r = g / h; logsum += log(r); k++
        if (r > worst) worst = r
        printf "%-30s %15.0f %15.0f %8.3f%s\n", $2, g, h, r, (r > 1.03 ? "  (> 1.03 target)" : "")
    }
    END {
        if (k) {
            geo = exp(logsum / k)
            printf "%-30s %15s %15s %8.3f%s\n", "geometric mean", "", "", geo, (geo > 1.02 ? "  (> 1.02 target)" : "")
        }
    }' "$OUT/ops.txt"
