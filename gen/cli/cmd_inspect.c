/* cmd_inspect.c -- `modelc inspect [--db DB] [-o FILE]`: an existing
 * database's schema, written in the schema language (inspect.c). */
#include "cli.h"
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
static int check_and_format(const char *path, const char *text, mc_buf *out)
{
    mc_arena arena = {0};
    mc_source src = {path, text, strlen(text)};
    mc_diag diag;
    mc_diag_init(&diag, &src, NULL, NULL);
    mc_ast ast;
    mc_schema schema;
    mc_comments comments = {0};
    int nerr = mc_parse_with_comments(&src, &arena, &diag, &ast, &comments);
    if (nerr == 0)
        nerr = mc_sema(&ast, &src, &arena, &diag, &schema);
    mc_diag_finish(&diag);
    if (nerr == 0 && (comments.failed || mc_fmt(&src, &ast, &comments, out) != 0))
        nerr = -1;
    mc_comments_free(&comments);
    mc_arena_free(&arena);
    return nerr;
}

int mc_cmd_inspect(const mc_cmd *cmd, int argc, char **argv)
{
    const char *db_arg = NULL, *out_path = NULL;
    const mc_opt opts[] = {
        {"--db", NULL, 1, &db_arg, NULL},
        {"--out", "-o", 1, &out_path, NULL},
        {0},
    };
    int rc = mc_cli_parse(cmd, argc, argv, opts, NULL, 0, 0);
    if (rc >= 0)
        return rc;
    mc_diag d;  /* the command's own messages */
    mc_diag_init(&d, NULL, NULL, NULL);
    d.place = "modelc inspect";
    if (db_arg && !db_arg[0]) {
        mc_error_in(&d, NULL, NULL, "--db needs a database path or URL");
        mc_cli_usage(cmd);
        return MC_EXIT_USAGE;
    }
    const char *url = mc_cli_default_db(db_arg);

    /* Only read: no file made, no journal mode changed. */
    mc_open_options o = MC_OPEN_OPTIONS_DEFAULT;
    o.create = 0;
    o.wal = 0;
    mc_db *db = NULL;
    if (mc_open(&db, url, &o) != MC_OK) {
        mc_error_in(&d, NULL, NULL, "%s", mc_errmsg(db));
        mc_close(db);
        return MC_EXIT_ERROR;
    }
    mc_arena arena = {0};
    mc_buf text = {0}, laid = {0};
    int nerr;
    const char *shown = strrchr(mc_db_path(db), '/');
    shown = shown ? shown + 1 : mc_db_path(db);
    mc_diag diag;
    mc_diag_init(&diag, NULL, NULL, NULL);
    diag.place = mc_arena_printf(&arena, "modelc inspect: %s", url);
    int src = mc_inspect(mc_sqlite(db), shown, &arena, &diag, &text);
    mc_close(db);
    int status = MC_EXIT_OK;
    if (src != 0) {
        status = MC_EXIT_ERROR;
    } else if ((nerr = check_and_format(out_path ? out_path : "<inspected>", text.data, &laid)) != 0) {
        mc_error_in(&d, NULL, NULL, "%s",
                    nerr < 0 ? "out of memory" : "the schema above does not check; nothing written");
        status = MC_EXIT_ERROR;
    } else if (out_path) {
        if (mc_cli_write_atomically(out_path, laid.data) != 0) {
            mc_error_in(&d, NULL, NULL, "cannot write %s: %s", out_path, strerror(errno));
            status = MC_EXIT_ERROR;
        }
    } else if (fwrite(laid.data, 1, laid.len, stdout) != laid.len || fflush(stdout) != 0) {
        mc_error_in(&d, NULL, NULL, "cannot write the output");
        status = MC_EXIT_ERROR;
    }
    mc_buf_free(&laid);
    mc_buf_free(&text);
    mc_arena_free(&arena);
    return status;
}
