#!/bin/sh
# tests/pg/with-postgres.sh CMD [ARG...] -- runs CMD with a throwaway
# PostgreSQL cluster: initdb into a fresh temporary directory, a server
# listening only on a Unix socket there (no TCP), trust authentication for
# the local user, stopped and removed when CMD ends, whatever its status.
#
# CMD sees MODELC_PG_URL (a libpq URI: postgresql://USER@/postgres?host=DIR)
# and MODELC_PG_HOST (the socket directory).  PostgreSQL refuses to run as
# root, so as root the server runs as the unprivileged user `nobody`.
#
# When no PostgreSQL server is installed, CMD runs without those variables
# and the suites that need one print that they are skipped (under CI=true
# they fail instead: CI must run them).  `make deps` installs it.
set -u
bindir=
for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && bindir=$d
done
if [ -z "$bindir" ]; then
    echo "with-postgres: no PostgreSQL server installed (make deps installs postgresql)" >&2
    exec "$@"
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/modelc-pg.XXXXXX") || exit 1
run_as=
user=$(id -un)
if [ "$(id -u)" = 0 ]; then
    run_as="runuser -u nobody --"
    user=nobody
    chown nobody "$dir"
fi
stop() {
    $run_as "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1
    rm -rf "$dir"
}
trap stop EXIT
trap 'exit 130' INT TERM

if ! $run_as "$bindir/initdb" -D "$dir/data" -U "$user" --auth=trust -E UTF8 --locale=C.UTF-8 \
        >"$dir/initdb.log" 2>&1; then
    echo "with-postgres: initdb failed:" >&2; cat "$dir/initdb.log" >&2; exit 1
fi
# No TCP at all; the socket and the lock file live in the temporary directory.
if ! $run_as "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c fsync=off -c max_connections=40" \
        start >/dev/null 2>&1; then
    echo "with-postgres: the server did not start:" >&2; cat "$dir/server.log" >&2; exit 1
fi
export MODELC_PG_HOST="$dir"
export MODELC_PG_URL="postgresql://$user@/postgres?host=$dir"
echo "with-postgres: $("$bindir/postgres" --version) on $dir"
"$@"
