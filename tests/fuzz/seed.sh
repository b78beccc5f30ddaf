#!/bin/sh
# tests/fuzz/seed.sh -- (re)writes the seed corpora tests/fuzz/<target>/
# from the repository's own inputs: every example, test program and bad
# schema; the golden migrations, one by one and as one history; and a few
# hand-written values.  Run from the source tree after `make`; the files
# are committed, so that a fuzz run needs nothing but the tree.
set -eu
modelc=${1:-build/modelc}
out=tests/fuzz
mkdir -p "$out/schema" "$out/migrations" "$out/values"
for f in examples/*/*.model tests/programs/*.model; do
    cp "$f" "$out/schema/$(basename "$f")"
done
for f in tests/bad/*.model; do
    cp "$f" "$out/schema/bad_$(basename "$f")"
done
# Migrations: the goldens, and the history modelc writes for each example.
for f in tests/golden/migrations/*.sql; do
    cp "$f" "$out/migrations/golden_$(basename "$f")"
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for ex in examples/*/*.model; do
    name=$(basename "$ex" .model)
    mkdir -p "$work/$name"
    MODELC_DATE="2024-01-01 00:00:00" "$modelc" migrate "$ex" --dir "$work/$name" -m "create $name" >/dev/null 2>&1 || \
        { "$modelc" init --dir "$work/$name" >/dev/null 2>&1 && \
          MODELC_DATE="2024-01-01 00:00:00" "$modelc" migrate "$ex" --dir "$work/$name" -m "create $name" >/dev/null; }
    for f in "$work/$name"/*.sql; do cp "$f" "$out/migrations/${name}_$(basename "$f")"; done
done
# The golden history as one input: files separated by a line "@@@@".
{ cat tests/golden/migrations/0001_*.sql; printf '@@@@\n'; cat tests/golden/migrations/0002_*.sql; } \
    > "$out/migrations/golden_history"
# Values: two parameter bytes (a length limit; precision and scale), then the value.
v() { printf "$1" > "$out/values/$2"; }
v '\100\012hello' ascii
v '\003\003h\303\251llo \342\202\254 \360\237\230\200' utf8
v '\005\005\300\257 overlong \355\240\200 surrogate' bad_utf8
v '\000\000{"a": [1, 2.5e-3, true, null, "x\\u00e9"], "b": {}}' json
v '\000\000[1, 2,]' json_trailing_comma
v '\000\000[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]' json_deep
v '\000\000"\\ud83d\\ude00"' json_surrogates
v '\000\0002019-05-20 12:47:00.000000' datetime
v '\000\0002024-02-29' date_leap
v '\000\0002023-02-29 23:59:59' datetime_not_leap
v '\000\00023:59:59.5' time
v '\012\002-12345678.50' numeric
v '\005\003+.5' numeric_point
v '\030\0061e5' numeric_exponent
