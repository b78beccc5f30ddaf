/* cmd_inspect.c -- `modelc inspect [--db DB] [-o FILE]`: an existing
 * database's schema, written in the schema language (inspect.c). */
#include "cli.h"
#include "dialect.h"
#include "fmt.h"
#include "inspect.h"
#include "modelc.h"
#include "parse.h"
#include "schema.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Parses and checks the text inspect wrote, as `modelc sql` would read it
 * back (the diagnostics, which there should be none of, go to stderr),
 * and lays it out as `modelc fmt` does into *out.  Returns the number of
 * errors; -1 when out of memory. */
static int check_and_format(const char *path, const char *text, mcc_buf *out)
{
    mcc_arena arena = {0};
    mcc_source src = {path, text, strlen(text)};
    mcc_diag diag;
    mcc_diag_init(&diag, &src, NULL, NULL);
    mcc_ast ast;
    mcc_schema schema;
    mcc_comments comments = {0};
    int nerr = mcc_parse_with_comments(&src, &arena, &diag, &ast, &comments);
    if (nerr == 0)
        nerr = mcc_sema(&ast, &src, &arena, &diag, &schema);
    mcc_diag_finish(&diag);
    if (nerr == 0 && (comments.failed || mcc_fmt(&src, &ast, &comments, out) != 0))
        nerr = -1;
    mcc_comments_free(&comments);
    mcc_arena_free(&arena);
    return nerr;
}

int mcc_cmd_inspect(const mcc_cmd *cmd, int argc, char **argv)
{
    const char *db_arg = NULL, *out_path = NULL;
    const mcc_opt opts[] = {
        {"--db", NULL, 1, &db_arg, NULL},
        {"--out", "-o", 1, &out_path, NULL},
        {0},
    };
    int rc = mcc_cli_parse(cmd, argc, argv, opts, NULL, 0, 0);
    if (rc >= 0)
        return rc;
    mcc_diag d;  /* the command's own messages */
    mcc_diag_init(&d, NULL, NULL, NULL);
    d.place = "modelc inspect";
    if (db_arg && !db_arg[0]) {
        mcc_error_in(&d, NULL, NULL, "--db needs a database path or URL");
        mcc_cli_usage(cmd);
        return MCC_EXIT_USAGE;
    }
    const char *url = mcc_cli_default_db(db_arg);

    /* Only read: no file made, no journal mode changed; on PostgreSQL
     * read-only transactions. */
    mc_open_options o = MC_OPEN_OPTIONS_DEFAULT;
    o.create = 0;
    o.wal = 0;
    if (mcc_dialect_of_url(url) == MCC_DIALECT_POSTGRESQL)
        o.readonly = 1;
    mc_db *db = NULL;
    if (mc_open(&db, url, &o) != MC_OK) {
        mcc_error_in(&d, NULL, NULL, "%s", mc_errmsg(db));
        mc_close(db);
        return MCC_EXIT_ERROR;
    }
    mcc_arena arena = {0};
    mcc_buf text = {0}, laid = {0};
    int nerr;
    const char *shown = strrchr(mc_db_path(db), '/');
    shown = shown ? shown + 1 : mc_db_path(db);
    mcc_diag diag;
    mcc_diag_init(&diag, NULL, NULL, NULL);
    diag.place = mcc_arena_printf(&arena, "modelc inspect: %s", mcc_cli_shown_db(url));
    int src = mc_db_engine(db) == MC_ENGINE_POSTGRESQL ? mcc_inspect_pg(db, &arena, &diag, &text)
                                                       : mcc_inspect(mc_sqlite(db), shown, &arena, &diag, &text);
    mc_close(db);
    int status = MCC_EXIT_OK;
    if (src != 0) {
        status = MCC_EXIT_ERROR;
    } else if ((nerr = check_and_format(out_path ? out_path : "<inspected>", text.data, &laid)) != 0) {
        mcc_error_in(&d, NULL, NULL, "%s",
                    nerr < 0 ? "out of memory" : "the schema above does not check; nothing written");
        status = MCC_EXIT_ERROR;
    } else if (out_path) {
        if (mcc_cli_write_atomically(out_path, laid.data) != 0) {
            mcc_error_in(&d, NULL, NULL, "cannot write %s: %s", out_path, strerror(errno));
            status = MCC_EXIT_ERROR;
        }
    } else if (fwrite(laid.data, 1, laid.len, stdout) != laid.len || fflush(stdout) != 0) {
        mcc_error_in(&d, NULL, NULL, "cannot write the output");
        status = MCC_EXIT_ERROR;
    }
    mcc_buf_free(&laid);
    mcc_buf_free(&text);
    mcc_arena_free(&arena);
    return status;
}
