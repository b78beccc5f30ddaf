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
# bench/callgrind.sh --pg OUT -- the same for OUT/pg_crud_bench on the
# client (see below).
#
# Environment: CALLGRIND_N (rows, default 10000), CALLGRIND_PG_N (users
# for --pg, default 1000).  Prints a note and
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
# ratios ANNOTATE OPS PER_OP GEO -- per op of OPS ("key<TAB>name" lines),
# the inclusive count of gen_<key> against hand_<key> in ANNOTATE
# (callgrind_annotate --inclusive=yes), flagged above the per-op and
# geometric-mean targets.
ratios() {
    awk -F'\t' -v ann="$1" -v per_op="$3" -v goal="$4" '
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
        printf "%-30s %15.0f %15.0f %8.3f%s\n", $2, g, h, r, (r > per_op ? sprintf("  (> %.2f target)", per_op) : "")
    }
    END {
        if (k) {
            geo = exp(logsum / k)
            printf "%-30s %15s %15s %8.3f%s\n", "geometric mean", "", "", geo, (geo > goal ? sprintf("  (> %.2f target)", goal) : "")
        }
    }' "$2"
}

# bench/callgrind.sh --pg OUT -- OUT/pg_crud_bench counted the same way,
# on the client: what the generated code and libmodelc cost over
# hand-written libpq calls (the server's work, the same for both, is not
# counted, so the ratios are upper bounds of the wall-time ones).  Run
# under tests/pg/with-postgres.sh (MODELC_PG_URL).
if [ "$1" = --pg ]; then
    OUT=$2
    n=${CALLGRIND_PG_N:-1000}
    BENCH_PG_N=$n BENCH_ROUNDS=1 valgrind --tool=callgrind --callgrind-out-file="$OUT/pg.callgrind" \
        "$OUT/pg_crud_bench" "$OUT/blog_pg.sql" >/dev/null 2>"$OUT/pg_callgrind.log" || {
        cat "$OUT/pg_callgrind.log" >&2; exit 1; }
    callgrind_annotate --inclusive=yes --threshold=100 "$OUT/pg.callgrind" > "$OUT/pg.annotate" 2>/dev/null
    "$OUT/pg_crud_bench" --ops > "$OUT/pg_ops.txt"
    echo "N = $n users, client instructions (callgrind, inclusive), generated / hand-written libpq"
    ratios "$OUT/pg.annotate" "$OUT/pg_ops.txt" 1.10 1.10
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
ratios "$OUT/crud.annotate" "$OUT/ops.txt" 1.03 1.02
