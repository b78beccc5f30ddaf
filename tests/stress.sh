#!/bin/sh
# tests/stress.sh BUILD -- `make stress`: kill -9 during migrations, longer
# than `make check` does it.
#
#  1. tests/unit/test_crash.c with more kills: `modelc upgrade` rebuilding a
#     100,000-row table is killed at a random moment, STRESS_ITERATIONS
#     times (default 200); each time the database must be exactly at the
#     old or the new version, intact, and a second upgrade must complete.
#  2. The same from the shell, the other way: `modelc downgrade` undoing the
#     rebuild is killed (STRESS_DOWN_ITERATIONS, default 50), checked with
#     the sqlite3 shell.
#
# STRESS_ROWS (default 100000) sizes the table; MODELC_CRASH_SEED replays
# the C part's delays.
set -eu
build=${1:-build}
src=$(pwd)
modelc="$src/$build/modelc"
iterations=${STRESS_ITERATIONS:-200}
down_iterations=${STRESS_DOWN_ITERATIONS:-50}
rows=${STRESS_ROWS:-100000}

command -v sqlite3 >/dev/null 2>&1 || { echo "stress: the sqlite3 shell is missing (make deps)"; exit 1; }
make --no-print-directory BUILD="$build" "$build/tests/test_crash" >/dev/null

echo "== stress 1: kill -9 during upgrade, $iterations times, $rows rows"
MODELC="$modelc" MODELC_BUILD="$src/$build" MODELC_SRC="$src" \
MODELC_CRASH_ITERATIONS=$iterations MODELC_CRASH_ROWS=$rows CK_DEFAULT_TIMEOUT=0 \
    "$build/tests/test_crash"

echo "== stress 2: kill -9 during downgrade, $down_iterations times, $rows rows"
tmp=$(mktemp -d /tmp/modelc-stress-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
cat > v1.model <<'EOF'
model Item {
    id    Integer     primary_key
    name  String(64)  index
    qty   Integer
}
model Tag {
    id      Integer  primary_key
    item_id Integer  foreign_key(Item.id)
}
EOF
sed 's/qty   Integer/qty   Integer not_null server_default(0)/' v1.model > v2.model
"$modelc" init >/dev/null
"$modelc" migrate v1.model -m v1 >/dev/null
"$modelc" migrate v2.model -m v2 >/dev/null
grep -q 'CREATE TABLE _new_item' migrations/0002_v2.sql || { echo "stress: 0002 does not rebuild item"; exit 1; }

# The schema as PRAGMAs see it, modelc_migrations aside.
schema() {
    sqlite3 "$1" "SELECT m.name, c.name, c.type, c.\"notnull\", c.dflt_value, c.pk
                  FROM sqlite_master m, pragma_table_info(m.name) c
                  WHERE m.type = 'table' AND m.name <> 'modelc_migrations' ORDER BY m.name, c.cid;
                  SELECT m.name, i.name, i.\"unique\" FROM sqlite_master m, pragma_index_list(m.name) i
                  WHERE m.type = 'table' ORDER BY m.name, i.name;
                  SELECT m.name, f.\"table\", f.\"from\", f.\"to\" FROM sqlite_master m,
                  pragma_foreign_key_list(m.name) f WHERE m.type = 'table' ORDER BY m.name, f.id;"
}
"$modelc" sql v1.model | sqlite3 ref1.db
"$modelc" sql v2.model | sqlite3 ref2.db
schema ref1.db > ref1.txt
schema ref2.db > ref2.txt

"$modelc" upgrade --db pristine.db >/dev/null
sqlite3 pristine.db "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
    INSERT INTO item (id, name, qty) SELECT i, 'item ' || i, i % 1000 FROM n;
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows / 20)
    INSERT INTO tag (item_id) SELECT (i * 7919) % $rows + 1 FROM n;" >/dev/null

fresh() { rm -f work.db work.db-wal work.db-shm; cp pristine.db work.db; }
fresh
start=$(date +%s%N)
"$modelc" downgrade --db work.db >/dev/null
full_ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$full_ms" -gt 0 ] || full_ms=1

at1=0; at2=0; i=1
while [ $i -le "$down_iterations" ]; do
    fresh
    delay=$(awk -v s="$i$$" -v ms="$full_ms" 'BEGIN { srand(s); printf "%.3f", rand() * ms / 1000 }')
    "$modelc" downgrade --db work.db >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    kill -9 $pid 2>/dev/null || true
    wait $pid 2>/dev/null || true
    v=$("$modelc" current --db work.db | cut -c1-4)
    case $v in
        0001) at1=$((at1 + 1)); ref=ref1.txt ;;
        0002) at2=$((at2 + 1)); ref=ref2.txt ;;
        *) echo "stress: iteration $i: modelc current says $v"; exit 1 ;;
    esac
    schema work.db > got.txt
    cmp -s got.txt "$ref" || { echo "stress: iteration $i: at $v but the schema differs:"; diff "$ref" got.txt; exit 1; }
    ic=$(sqlite3 work.db "PRAGMA integrity_check")
    [ "$ic" = ok ] || { echo "stress: iteration $i: integrity_check: $ic"; exit 1; }
    fk=$(sqlite3 work.db "PRAGMA foreign_key_check")
    [ -z "$fk" ] || { echo "stress: iteration $i: foreign_key_check: $fk"; exit 1; }
    n=$(sqlite3 work.db "SELECT count(*) FROM item")
    [ "$n" = "$rows" ] || { echo "stress: iteration $i: $n rows, not $rows"; exit 1; }
    "$modelc" downgrade --db work.db --to 1 >/dev/null
    [ "$("$modelc" current --db work.db | cut -c1-4)" = 0001 ] || { echo "stress: iteration $i: downgrade did not finish"; exit 1; }
    i=$((i + 1))
done
echo "stress 2: $down_iterations kills in [0, $full_ms ms]: $at2 left at 0002, $at1 at 0001"
echo "stress: passed"
