#!/bin/sh
# bench/run.sh BUILD -- modelc's benchmarks (`make bench`).
#
#   1. front end: `modelc sql` on synthetic schemas of 500/1000/2000 models
#   2. generated code vs hand-written sqlite3 C on blog.model, one process
#      (bench/crud_bench.c), in time and in instructions (bench/callgrind.sh);
#      then streaming every post, peak RSS growth
#   3. eager loading: 2,000 users with their posts, user_list_load_posts vs
#      a hand-written LEFT JOIN vs the N + 1 loop (bench/eager_bench.c),
#      in time and, under callgrind when valgrind is installed, instructions
#   4. migrations (bench/migrate_bench.sh, when it exists)
#   5. a named query (`query ... -> Post[]`) vs the same SQL by hand
#   6. PostgreSQL: the CRUD workload through the generated API and through
#      hand-written libpq C (prepared statements) against one throwaway
#      server (tests/pg/with-postgres.sh), as ratios (bench/pg_crud_bench.c)
#
# Everything is written under BUILD/bench/.  Speed is reported, never
# asserted: the script fails only when a benchmark cannot run.
#
# Environment: BENCH_N (rows, default 100000), BENCH_ROUNDS (rounds of the
# CRUD comparison, default 5), BENCH_STREAM_N (users of the streaming
# database, 5 posts each; default 200000), BLOG_MODEL (the seed schema), CC.
set -eu

TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-build}" && pwd)
OUT=$BUILD/bench
MODELC=$BUILD/modelc
BLOG_MODEL=${BLOG_MODEL:-$TOP/examples/blog/blog.model}
CC=${CC:-cc}
BCFLAGS="-std=c11 -Wall -Wextra -Wpedantic -Werror -O2 -g"
SQLITE_LIBS=$(pkg-config --libs sqlite3 2>/dev/null || echo -lsqlite3)

mkdir -p "$OUT"

# ---- 1. front end -----------------------------------------------------------
bench_frontend() {
    echo "== front end: modelc sql, best of 3 (10 columns, 2 indexes, 1 FK, 1 relationship per model)"
    "$CC" $BCFLAGS -o "$OUT/besttime" "$TOP/bench/besttime.c"
    printf '%8s %10s %10s %12s\n' models ms ms/model "SQL lines"
    for n in 500 1000 2000; do
        sh "$TOP/bench/gen_schema.sh" "$n" > "$OUT/schema_$n.model"
        ms=$("$OUT/besttime" 3 "$OUT/schema_$n.sql" "$MODELC" sql "$OUT/schema_$n.model")
        lines=$(wc -l < "$OUT/schema_$n.sql")
        awk -v n="$n" -v ms="$ms" -v l="$lines" \
            'BEGIN { printf "%8d %10.1f %10.4f %12d%s\n", n, ms, ms / n, l,
                     (n == 2000 && ms >= 200) ? "  (>= 200 ms target)" : "" }'
    done
}

# ---- 2. generated code vs hand-written C ------------------------------------
bench_crud() {
    echo
    echo "== generated code vs hand-written sqlite3 C ($(basename "$BLOG_MODEL"))"
    mkdir -p "$OUT/gen"
    "$MODELC" generate "$BLOG_MODEL" -o "$OUT/gen"
    "$MODELC" sql "$BLOG_MODEL" > "$OUT/blog.sql"
    # Same DDL on both sides, plus an index on the foreign key (SQLAlchemy
    # does not create one) so that "posts of a user" is a lookup, not a scan.
    echo "CREATE INDEX ix_post_user_id ON post (user_id);" >> "$OUT/blog.sql"
    "$CC" $BCFLAGS -I"$OUT/gen" -I"$TOP/runtime" -o "$OUT/crud_bench" \
        "$TOP/bench/crud_bench.c" "$TOP/bench/workload.c" "$OUT/gen/blog.c" "$BUILD/libmodelc.a" $SQLITE_LIBS -lm
    "$OUT/crud_bench" "$OUT" "$OUT/blog.sql"

    echo
    echo "== the same, in instructions"
    sh "$TOP/bench/callgrind.sh" "$OUT"

    echo
    echo "== many inserts at once"
    "$OUT/crud_bench" --insert-many "$OUT" "$OUT/blog.sql"

    echo
    # 1,000,000 posts (BENCH_STREAM_N users, 5 posts each).
    echo "== streaming all $((5 * ${BENCH_STREAM_N:-200000})) posts, each in a fresh process"
    BENCH_N=${BENCH_STREAM_N:-200000} "$OUT/crud_bench" --make-stream "$OUT/stream.db" "$OUT/blog.sql"
    "$OUT/crud_bench" --stream "$OUT/stream.db"
    "$OUT/crud_bench" --stream-single "$OUT/stream.db"
    "$OUT/crud_bench" --stream-lent "$OUT/stream.db"
    "$OUT/crud_bench" --stream-lent-single "$OUT/stream.db"
    "$OUT/crud_bench" --stream-hand "$OUT/stream.db"
    sh "$TOP/bench/callgrind.sh" --stream "$OUT" "$OUT/stream.db"
    rm -f "$OUT/stream.db" "$OUT/stream.db-wal" "$OUT/stream.db-shm"
}

# ---- 3. eager loading ----------------------------------------------------------
# Needs bench_crud's generated code and DDL (with the index on post.user_id).
bench_eager() {
    echo
    echo "== eager loading for lists vs a hand-written JOIN vs N + 1 ($(basename "$BLOG_MODEL"))"
    "$CC" $BCFLAGS -I"$OUT/gen" -I"$TOP/runtime" -o "$OUT/eager_bench" \
        "$TOP/bench/eager_bench.c" "$OUT/gen/blog.c" "$BUILD/libmodelc.a" $SQLITE_LIBS
    "$OUT/eager_bench" "$OUT" "$OUT/blog.sql"
    if command -v valgrind >/dev/null 2>&1; then
        ir() {
            valgrind --tool=callgrind --toggle-collect="$2" --callgrind-out-file="$OUT/eager.cg" \
                "$OUT/eager_bench" "$OUT" "$OUT/blog.sql" "$1" 2>&1 >/dev/null |
                awk '/refs:/ { gsub(",", "", $NF); print $NF }'
        }
        j=$(ir join hand_join); e=$(ir eager gen_eager); n=$(ir n+1 gen_n_plus_1)
        awk -v j="$j" -v e="$e" -v n="$n" 'BEGIN {
            printf "instructions (callgrind): JOIN %d, eager %d (%.3fx the JOIN%s), N + 1 %d (%.3fx eager)\n",
                   j, e, e / j, (e / j > 1.10 ? ", > 1.10 target" : ""), n, n / e }'
        rm -f "$OUT/eager.cg"
    fi
    rm -f "$OUT/eager.db" "$OUT/eager.db-wal" "$OUT/eager.db-shm"
}

# ---- 4. migrations -----------------------------------------------------------
# MIGRATION BENCHMARKS GO HERE: bench/migrate_bench.sh is run with BUILD and
# OUT (BUILD/bench) as arguments and the same environment, when it exists.
bench_migrations() {
    if [ -f "$TOP/bench/migrate_bench.sh" ]; then
        echo
        echo "== migrations"
        sh "$TOP/bench/migrate_bench.sh" "$BUILD" "$OUT"
    fi
}

# ---- 5. named queries ----------------------------------------------------------
# A `query ... -> Post[]` (examples/microblog's timeline) against the same SQL
# written by hand with sqlite3: time, and instructions under callgrind.
bench_queries() {
    echo
    echo "== named query -> Post[] vs the same SQL hand-written (microblog timeline)"
    mkdir -p "$OUT/qgen"
    "$MODELC" generate "$TOP/examples/microblog/microblog.model" -o "$OUT/qgen"
    "$MODELC" sql "$TOP/examples/microblog/microblog.model" > "$OUT/microblog.sql"
    "$CC" $BCFLAGS -g -I"$OUT/qgen" -I"$TOP/runtime" -o "$OUT/query_bench" \
        "$TOP/bench/query_bench.c" "$OUT/qgen/microblog.c" "$BUILD/libmodelc.a" $SQLITE_LIBS
    "$OUT/query_bench" --make "$OUT/query.db" "$OUT/microblog.sql"
    "$OUT/query_bench" "$OUT/query.db"
    if command -v valgrind >/dev/null 2>&1; then
        for side in gen hand; do
            BENCH_USERS=300 valgrind --tool=callgrind --callgrind-out-file="$OUT/query.cg.$side" \
                --toggle-collect="run_$side" "$OUT/query_bench" --only "$side" "$OUT/query.db" \
                2>"$OUT/query.cg.$side.log" >/dev/null
        done
        gen=$(sed -n 's/.*Collected : //p' "$OUT/query.cg.gen.log")
        hand=$(sed -n 's/.*Collected : //p' "$OUT/query.cg.hand.log")
        awk -v g="$gen" -v h="$hand" 'BEGIN { printf "instructions (callgrind, 300 timelines): modelc %d, sqlite3 %d, ratio %.4f\n", g, h, (g / h) }'
    fi
    rm -f "$OUT/query.db" "$OUT/query.db-wal" "$OUT/query.db-shm"
}

# ---- 6. PostgreSQL ---------------------------------------------------------------
# The same blog.model code (compiled once, as for SQLite) against libpq by
# hand, on a server of its own.  BENCH_PG_N users (default 2000),
# BENCH_ROUNDS, BENCH_PG_CPU (the CPU the bench and the server share).
bench_pg() {
    echo
    echo "== PostgreSQL: generated code vs hand-written libpq C ($(basename "$BLOG_MODEL"))"
    if ! pkg-config --exists libpq 2>/dev/null; then
        echo "(libpq-dev is not installed: make deps installs it)"
        return 0
    fi
    mkdir -p "$OUT/pggen"
    "$MODELC" generate "$BLOG_MODEL" -o "$OUT/pggen"
    "$MODELC" sql --dialect postgresql "$BLOG_MODEL" > "$OUT/blog_pg.sql"
    echo "CREATE INDEX ix_post_user_id ON post (user_id);" >> "$OUT/blog_pg.sql"
    "$CC" $BCFLAGS $(pkg-config --cflags libpq) -I"$OUT/pggen" -I"$TOP/runtime" -o "$OUT/pg_crud_bench" \
        "$TOP/bench/pg_crud_bench.c" "$TOP/bench/workload.c" "$OUT/pggen/blog.c" "$BUILD/libmodelc.a" $SQLITE_LIBS \
        $(pkg-config --libs libpq) -lm
    # The bench and its server on one CPU (BENCH_PG_CPU, default 0; "none":
    # not pinned): bench/pg_crud_bench.c says why.
    pin=
    cpu=${BENCH_PG_CPU:-0}
    if [ "$cpu" != none ] && command -v taskset >/dev/null 2>&1; then
        pin="taskset -c $cpu"
        echo "(the bench and its server pinned to CPU $cpu: BENCH_PG_CPU=none does not pin)"
    fi
    $pin sh "$TOP/tests/pg/with-postgres.sh" "$OUT/pg_crud_bench" "$OUT/blog_pg.sql"
    echo
    sh "$TOP/tests/pg/with-postgres.sh" sh "$TOP/bench/callgrind.sh" --pg "$OUT"
}

bench_frontend
bench_crud
bench_eager
bench_migrations
bench_queries
bench_pg
