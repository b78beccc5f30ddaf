/*
 * sqlsplit.c -- where one SQL statement of a script ends, in one pass.
 *
 * The same automaton as sqlite3_complete() (SQLite's complete.c): strings,
 * quoted identifiers and comments hide their ';', and inside CREATE
 * [TEMP] TRIGGER only "END ;" ends the statement.  Asking
 * sqlite3_complete() again at every ';' of a statement costs the square of
 * its length (a 320 KB INSERT took 53 s); this walks each byte once.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

/* Tokens and states, named as in complete.c. */
enum { TK_SEMI, TK_WS, TK_OTHER, TK_EXPLAIN, TK_CREATE, TK_TEMP, TK_TRIGGER, TK_END };
enum { ST_INVALID, ST_START, ST_NORMAL, ST_EXPLAIN, ST_CREATE, ST_TRIGGER, ST_SEMI, ST_END };

static const unsigned char trans[8][8] = {
    /*               SEMI WS OTHER EXPLAIN CREATE TEMP TRIGGER END */
    /* INVALID */ { 1, 0, 2, 3, 4, 2, 2, 2 },
    /* START   */ { 1, 1, 2, 3, 4, 2, 2, 2 },
    /* NORMAL  */ { 1, 2, 2, 2, 2, 2, 2, 2 },
    /* EXPLAIN */ { 1, 3, 3, 2, 4, 2, 2, 2 },
    /* CREATE  */ { 1, 4, 2, 2, 2, 4, 5, 2 },
    /* TRIGGER */ { 6, 5, 5, 5, 5, 5, 5, 5 },
    /* SEMI    */ { 6, 6, 5, 5, 5, 5, 5, 7 },
    /* END     */ { 1, 7, 5, 5, 5, 5, 5, 5 },
};

static int id_char(unsigned char c)
{
    return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

/* The token of the word s[0..n). */
static int word_token(const char *s, size_t n)
{
    static const struct { const char *w; int tk; } kw[] = {
        { "create", TK_CREATE }, { "trigger", TK_TRIGGER }, { "temp", TK_TEMP },
        { "temporary", TK_TEMP }, { "end", TK_END }, { "explain", TK_EXPLAIN },
    };
    size_t i;

    for (i = 0; i < sizeof kw / sizeof *kw; i++)
        if (strlen(kw[i].w) == n && strncasecmp(s, kw[i].w, n) == 0)
            return kw[i].tk;
    return TK_OTHER;
}

/* Where the byte after `open` at s[i] (a quote, '[' or a comment) is
 * closed: the index just past the closing text, or len when it never is. */
static size_t skip_to(const char *s, size_t len, size_t i, const char *close)
{
    size_t n = strlen(close);

    for (; i + n <= len; i++)
        if (memcmp(s + i, close, n) == 0)
            return i + n;
    return len;
}

size_t mci_statement_end(const char *s, size_t len)
{
    size_t i = 0;
    int state = ST_INVALID, tk;

    while (i < len) {
        unsigned char c = (unsigned char)s[i];

        if (c == ';') {
            tk = TK_SEMI;
            i++;
        } else if (isspace(c)) {
            tk = TK_WS;
            i++;
        } else if (c == '/' && i + 1 < len && s[i + 1] == '*') {
            tk = TK_WS;
            i = skip_to(s, len, i + 2, "*/");
        } else if (c == '-' && i + 1 < len && s[i + 1] == '-') {
            tk = TK_WS;
            i = skip_to(s, len, i + 2, "\n");
        } else if (c == '[') {
            tk = TK_OTHER;
            i = skip_to(s, len, i + 1, "]");
        } else if (c == '\'' || c == '"' || c == '`') {
            char q[2] = { (char)c, '\0' };
            tk = TK_OTHER;
            i = skip_to(s, len, i + 1, q);
        } else if (id_char(c)) {
            size_t start = i;
            while (i < len && id_char((unsigned char)s[i]))
                i++;
            tk = word_token(s + start, i - start);
        } else {
            tk = TK_OTHER;
            i++;
        }
        state = trans[state][tk];
        if (tk == TK_SEMI && state == ST_START)
            return i;
    }
    return len;
}
