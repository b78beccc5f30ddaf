#!/bin/sh
# gen_schema.sh N -- prints a synthetic schema of N models on stdout.
#
# Model Mi has 10 columns (id, 7 data columns of mixed types, a
# foreign key to the previous model, a timestamp), 2 single-column
# indexes (one of them unique), 1 foreign key and 1 relationship: Mi.next
# is the one-to-many side of M(i+1).prev_id, with backref `prev`.  M0's
# foreign key points at the last model, so the chain is a ring and every
# model has exactly the same shape.
set -eu
n=${1:?usage: gen_schema.sh N}
awk -v n="$n" 'BEGIN {
    printf "# %d synthetic models for the front-end benchmark (bench/gen_schema.sh)\n", n
    for (i = 0; i < n; i++) {
        p = (i + n - 1) % n
        q = (i + 1) % n
        printf "\nmodel M%d {\n", i
        printf "    id       Integer     primary_key\n"
        printf "    code     String(32)  index unique not_null\n"
        printf "    name     String(120) index\n"
        printf "    qty      Integer     default(0)\n"
        printf "    price    Numeric(10, 2)\n"
        printf "    ratio    Float\n"
        printf "    active   Boolean     server_default(true)\n"
        printf "    note     Text\n"
        printf "    created  DateTime    server_default(now)\n"
        printf "    prev_id  Integer     foreign_key(M%d.id, on_delete: cascade)\n", p
        printf "    next     relationship(M%d, backref: prev, lazy: dynamic)\n", q
        printf "}\n"
    }
}'
