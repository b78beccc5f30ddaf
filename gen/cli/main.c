/* main.c -- modelc's entry point: the command table and dispatch. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const mcc_cmd commands[] = {
    {"generate", "SCHEMA [-o DIR] [--prefix P] [--migrations DIR] [--split | --split-into N] [--compact]",
     "write DIR/<schema>.h and DIR/<schema>.c",
     "Generates the C API of SCHEMA: a header and a source to compile with\n"
     "your application and link with -lmodelc -lsqlite3.\n\n"
     "  -o, --out DIR        where to write (default: .)\n"
     "  --prefix P           prefix of every generated symbol (default: none)\n"
     "  --migrations DIR     compile the migrations of DIR into the code\n"
     "  --split              one source per model, DIR/<schema>_<model>.c, besides\n"
     "                       DIR/<schema>.c (what the models share), so that\n"
     "                       make -j compiles a large schema in parallel; compile\n"
     "                       and link every one of them\n"
     "  --split-into N       N sources of consecutive models instead,\n"
     "                       DIR/<schema>_part1.c ... _partN.c (each source reads\n"
     "                       the whole header: for thousands of models, a few\n"
     "                       parts build faster than one file per model)\n"
     "  --compact            the same header and API, but each function's body\n"
     "                       is one call into libmodelc driven by a static table\n"
     "                       of the model (like protobuf's optimize_for =\n"
     "                       CODE_SIZE): far less C to compile for a large\n"
     "                       schema, at some cost per call; the default writes\n"
     "                       every body out, to read and step through\n",
     mcc_cmd_generate},
    {"sql", "SCHEMA [--dialect sqlite|postgresql]", "print the CREATE statements of the whole schema",
     "Prints CREATE TABLE and CREATE INDEX for every model, in dependency\n"
     "order, exactly as Flask-SQLAlchemy's create_all() creates them.\n\n"
     "  --dialect D   sqlite or postgresql (default: the dialect of\n"
     "                $DATABASE_URL when it is set, else sqlite); on\n"
     "                PostgreSQL enums are native types (CREATE TYPE)\n",
     mcc_cmd_sql},
    {"migrate", "SCHEMA [-m MESSAGE] [--dir DIR] [--allow-data-loss] [--dialect sqlite|postgresql]",
     "write the next numbered migration, if the schema changed",
     "Compares SCHEMA with the schema the migrations in DIR produce and\n"
     "writes DIR/NNNN_<slug>.sql with an upgrade and a downgrade section.\n\n"
     "  -m, --message TEXT   what the migration does (names the file)\n"
     "  --dir DIR            migrations directory (default: migrations)\n"
     "  --allow-data-loss    allow dropping tables or columns, narrowing types\n"
     "  --dialect D          sqlite or postgresql (default: the dialect of\n"
     "                       $DATABASE_URL when it is set, else sqlite)\n",
     mcc_cmd_migrate},
    {"upgrade", "[--db DB] [--dir DIR] [--to N] [--sql] [--secure-delete on|fast|off] [--lock-timeout S] [--quiet|--verbose]", "apply migrations (default: all)",
     "Prints each migration as it starts and ends, with its time, and on a\n"
     "terminal the rows a table rebuild has copied.\n\n"
     "  --db DB        database path or sqlite:///path (default: $DATABASE_URL, else app.db)\n"
     "  --dir DIR      migrations directory (default: migrations)\n"
     "  --to N         stop at version N\n"
     "  --sql          print the SQL that would run, touching nothing\n"
     "  --secure-delete M   PRAGMA secure_delete for this run: on zeroes freed\n"
     "                      pages, fast only when free, off leaves them readable\n"
     "  --lock-timeout S    wait at most S seconds for a lock another connection\n"
     "                      holds (another upgrader, a writer; default 5)\n"
     "  -q, --quiet    print errors only\n"
     "  -v, --verbose  also say which database and files are used and what was checked\n",
     mcc_cmd_upgrade},
    {"downgrade", "[--db DB] [--dir DIR] [--to N] [--sql] [--secure-delete on|fast|off] [--lock-timeout S] [--quiet|--verbose]",
     "undo migrations (default: one step)",
     "Prints each migration as it starts and ends, with its time, and on a\n"
     "terminal the rows a table rebuild has copied.\n\n"
     "  --db DB        database path or sqlite:///path (default: $DATABASE_URL, else app.db)\n"
     "  --dir DIR      migrations directory (default: migrations)\n"
     "  --to N         go back to version N (0: before the first)\n"
     "  --sql          print the SQL that would run, touching nothing\n"
     "  --secure-delete M   PRAGMA secure_delete for this run: on zeroes freed\n"
     "                      pages, fast only when free, off leaves them readable\n"
     "  --lock-timeout S    wait at most S seconds for a lock another connection\n"
     "                      holds (another upgrader, a writer; default 5)\n"
     "  -q, --quiet    print errors only\n"
     "  -v, --verbose  also say which database and files are used and what was checked\n",
     mcc_cmd_downgrade},
    {"current", "[--db DB]", "print the database's migration version",
     "  --db DB     database path or sqlite:///path (default: $DATABASE_URL, else app.db)\n", mcc_cmd_current},
    {"history", "[--dir DIR] [--db DB]", "list the migrations",
     "Lists the migrations of DIR with their messages.  With --db, marks each\n"
     "one applied [X] or pending [ ], the current one, and an applied file\n"
     "edited since.\n\n"
     "  --dir DIR   migrations directory (default: migrations)\n"
     "  --db DB     database path or sqlite:///path (read only)\n", mcc_cmd_history},
    {"stamp", "N [--db DB] [--dir DIR] [--lock-timeout S]", "mark the database as at version N without running anything",
     "  --db DB     database path or sqlite:///path (default: $DATABASE_URL, else app.db)\n"
     "  --dir DIR   migrations directory (default: migrations)\n"
     "  --lock-timeout S   wait at most S seconds for a lock another connection holds (default 5)\n",
     mcc_cmd_stamp},
    {"check", "SCHEMA [--db DB] [--dir DIR]", "exit 1 when the database or migrations differ from SCHEMA",
     "Compares SCHEMA with what the migrations in DIR produce and, with --db,\n"
     "with the database itself; prints each difference.\n\n"
     "  --db DB     database path or sqlite:///path\n"
     "  --dir DIR   migrations directory (default: migrations)\n",
     mcc_cmd_check},
    {"inspect", "[--db DB] [-o FILE]", "write an existing database's schema in this language",
     "Reads the tables of an existing SQLite database (one modelc, Flask-\n"
     "SQLAlchemy, Alembic or anything else made) and writes them as models:\n"
     "types, keys, constraints, indexes, foreign keys, and relationships\n"
     "inferred from them.  What the language cannot say (views, triggers,\n"
     "partial or expression indexes, unknown types) is written as a comment.\n"
     "The database is only read.\n\n"
     "  --db DB         database path or sqlite:///path (default: $DATABASE_URL,\n"
     "                  else app.db)\n"
     "  -o, --out FILE  write FILE (atomically) instead of standard output\n",
     mcc_cmd_inspect},
    {"init", "[--dir DIR]", "create the migrations directory",
     "Creates DIR (and its parents) for `modelc migrate` to write into, with a\n"
     "README.  An existing empty directory is accepted; one that holds\n"
     "anything is refused.\n\n"
     "  --dir DIR   migrations directory (default: migrations)\n",
     mcc_cmd_init},
    {"fmt", "SCHEMA... [--check]", "rewrite schema files in the canonical layout",
     "Lays each SCHEMA out as modelc lays schemas out: one blank line between\n"
     "declarations, members indented by 4 spaces, field names, types and\n"
     "attributes in aligned columns; comments stay where they were, a query's\n"
     "SQL is kept as written.  Each file is replaced atomically; a file with\n"
     "an error is reported and left as it is.\n\n"
     "  --check     write nothing; list the files that are not formatted and\n"
     "              exit 1 if there is one\n",
     mcc_cmd_fmt},
    {"erd", "SCHEMA [-o FILE] [--format dot|svg|png]", "draw the schema's entity-relationship diagram",
     "Writes a Graphviz diagram of SCHEMA: a table per model with its columns,\n"
     "types and marks (PK, FK, UNIQUE, NOT NULL), and an edge per foreign key\n"
     "with crow's-foot ends for its cardinality and the relationships over it;\n"
     "a many-to-many runs through its association table.\n\n"
     "  -o, --out FILE      where to write (default: standard output)\n"
     "  -f, --format F      dot (the text), svg or png (rendered by Graphviz's\n"
     "                      `dot`, which must be installed); default: from\n"
     "                      FILE's extension (.svg, .png), else dot\n",
     mcc_cmd_erd},
};
enum { NCOMMANDS = sizeof commands / sizeof commands[0] };

static void usage(FILE *f)
{
    fprintf(f, "usage: modelc COMMAND [ARGS]\n\ncommands:\n");
    for (int i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n`modelc COMMAND --help` describes a command; `modelc --version` prints the version.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return MCC_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return MCC_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
        printf("modelc %s\n", MODELC_VERSION);
        return MCC_EXIT_OK;
    }
    for (int i = 0; i < NCOMMANDS; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(&commands[i], argc - 1, argv + 1);
    fprintf(stderr, "modelc: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return MCC_EXIT_USAGE;
}
