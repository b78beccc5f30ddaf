#!/bin/sh
# tests/valgrind.sh BUILD -- every suite, and modelc itself on the
# examples, under valgrind: any leak or memory error fails `make check`.
set -eu
build=${1:-build}
if ! command -v valgrind >/dev/null 2>&1; then
    echo "valgrind: not installed (make deps installs it)"; exit 1
fi
vg="valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99"
src=$(pwd)
export MODELC="$src/$build/modelc" MODELC_BUILD="$src/$build" MODELC_SRC="$src" MODELC_VALGRIND=1
fail=0
for ex in examples/blog/blog.model examples/library/library.model examples/microblog/microblog.model; do
    echo "== valgrind modelc sql $ex"
    $vg "$build/modelc" sql "$ex" >/dev/null || fail=1
    $vg "$build/modelc" sql --dialect postgresql "$ex" >/dev/null || fail=1
done
for bad in tests/bad/*.model; do
    [ -f "$bad" ] || continue
    rc=0; $vg --error-exitcode=99 "$build/modelc" sql "$bad" >/dev/null 2>&1 || rc=$?
    [ $rc -eq 99 ] && { echo "valgrind: errors on $bad"; fail=1; }
done
echo "== valgrind examples/blog (the seed walk-through)"
make -s -C examples/blog MODELC_BUILD="$src/$build" >/dev/null || fail=1
rm -f "$build/examples/blog/vg.db" "$build/examples/blog/vg.db-wal" "$build/examples/blog/vg.db-shm"
$vg "$build/examples/blog/blog" "$build/examples/blog/vg.db" >/dev/null || fail=1
for t in "$build"/tests/test_*; do
    [ -x "$t" ] || continue
    echo "== valgrind $t"
    CK_FORK=no CK_DEFAULT_TIMEOUT=600 $vg "$t" || fail=1
done
exit $fail
