/*
 * pg_sql.c -- the SQL text PostgreSQL is given for a statement written
 * with SQLite's placeholders.
 *
 * Generated code and the runtime write `?` (and `?NNN`), named queries
 * `:name`; PostgreSQL wants $1, $2 ...  They are numbered as SQLite
 * numbers them: `?` the next unused number, `?NNN` NNN, `:name` the
 * number of its first occurrence or else the next unused one (so a name
 * used twice is one parameter).  `::` (PostgreSQL's cast) is no
 * parameter.  The rewrite happens once per statement text, when the
 * driver prepares it.  It skips what is not SQL code: string literals
 * ('...' with '' inside, E'...' with backslash escapes), quoted
 * identifiers ("..."), dollar-quoted strings ($tag$...$tag$) and comments
 * (-- to the end of the line, nested block comments), so a `?` inside any
 * of them stays a question mark.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"

/* The length of the text at p that is copied unchanged: a literal, a
 * quoted identifier, a dollar-quoted string or a comment; 0 when p starts
 * none of them.  An unterminated one runs to the end. */
static size_t opaque_run(const char *sql, const char *p)
{
    const char *q = p;

    if (*p == '\'' || *p == '"') {
        char quote = *p;
        int escapes = quote == '\'' && p > sql && (p[-1] == 'E' || p[-1] == 'e') &&
                      (p - 1 == sql || !(isalnum((unsigned char)p[-2]) || p[-2] == '_'));
        for (q = p + 1; *q; q++) {
            if (escapes && *q == '\\' && q[1]) {
                q++;
            } else if (*q == quote) {
                if (q[1] == quote)
                    q++;        /* '' or "" inside */
                else
                    return (size_t)(q + 1 - p);
            }
        }
        return (size_t)(q - p);
    }
    if (p[0] == '-' && p[1] == '-') {
        for (q = p; *q && *q != '\n'; q++)
            ;
        return (size_t)(q - p);
    }
    if (p[0] == '/' && p[1] == '*') {
        int depth = 1;
        for (q = p + 2; *q && depth; q++) {
            if (q[0] == '/' && q[1] == '*')
                depth++, q++;
            else if (q[0] == '*' && q[1] == '/')
                depth--, q++;
        }
        return (size_t)(q - p);
    }
    if (*p == '$' && !(p > sql && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))) {
        /* $tag$ ... $tag$ (tag empty or an identifier) */
        const char *t = p + 1;
        while (isalnum((unsigned char)*t) || *t == '_')
            t++;
        if (*t == '$' && !isdigit((unsigned char)p[1])) {
            size_t tag = (size_t)(t + 1 - p);
            const char *end;
            for (end = t + 1; *end; end++)
                if (strncmp(end, p, tag) == 0)
                    return (size_t)(end + tag - p);
            return strlen(p);
        }
    }
    return 0;
}

/* The length of the name of a `:name` parameter at p (p[0] == ':'),
 * 0 when p starts none: "::" (a cast) or ':' not before a letter or '_'. */
static size_t param_name(const char *sql, const char *p)
{
    size_t k = 1;

    if ((p > sql && p[-1] == ':') || !(isalpha((unsigned char)p[1]) || p[1] == '_'))
        return 0;
    while (isalnum((unsigned char)p[k]) || p[k] == '_')
        k++;
    return k;
}

/* A `:name` seen in the text, and its number. */
typedef struct pname {
    const char *at;
    size_t len;
    int num;
} pname;

char *mci_pg_placeholders(const char *sql, int *nparams)
{
    size_t len = strlen(sql), cap = len * 6 + 16, n = 0, k;    /* "?" -> "$65535" at most */
    char *out = malloc(cap);
    const char *p = sql;
    int next = 0, high = 0;
    pname *names = NULL;
    size_t nnames = 0;

    *nparams = 0;
    if (!out)
        return NULL;
    while (*p) {
        size_t run = opaque_run(sql, p);
        if (run) {
            memcpy(out + n, p, run);
            n += run;
            p += run;
            continue;
        }
        if (*p == '?') {
            long num;
            char *end;
            p++;
            if (isdigit((unsigned char)*p)) {
                num = strtol(p, &end, 10);
                p = end;
            } else {
                num = ++next;
            }
            if (num > 65535 || num < 1) {
                free(names);
                free(out);
                return NULL;
            }
            if (num > next)
                next = (int)num;
            if (num > high)
                high = (int)num;
            n += (size_t)snprintf(out + n, cap - n, "$%ld", num);
            continue;
        }
        if (*p == ':' && (k = param_name(sql, p)) > 0) {
            long num = 0;
            for (size_t i = 0; i < nnames && !num; i++)
                if (names[i].len == k && memcmp(names[i].at, p, k) == 0)
                    num = names[i].num;
            if (!num) {
                pname *more = realloc(names, (nnames + 1) * sizeof *names);
                num = ++next;
                if (!more || num > 65535) {
                    free(more ? more : names);
                    free(out);
                    return NULL;
                }
                names = more;
                names[nnames].at = p;
                names[nnames].len = k;
                names[nnames++].num = (int)num;
            }
            if (num > high)
                high = (int)num;
            n += (size_t)snprintf(out + n, cap - n, "$%ld", num);
            p += k;
            continue;
        }
        out[n++] = *p++;
    }
    out[n] = '\0';
    free(names);
    *nparams = high;
    return out;
}
