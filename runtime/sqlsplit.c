/*
 * sqlsplit.c -- where one SQL statement of a script ends, in one pass.
 *
 * The same automaton as sqlite3_complete() (SQLite's complete.c): strings,
 * quoted identifiers and comments hide their ';', and inside CREATE
 * [TEMP] TRIGGER only "END ;" ends the statement.  Asking
 * sqlite3_complete() again at every ';' of a statement costs the square of
 * its length (a 320 KB INSERT took 53 s); this walks each byte once.
 *
 * PostgreSQL's text (MCI_SQL_POSTGRESQL) is read by PostgreSQL's lexical
 * rules instead, as psql splits a file: dollar-quoted bodies
 * ($$ ... $$, $tag$ ... $tag$), escape strings E'..\'..', nested block
 * comments, parentheses and the BEGIN ATOMIC ... END body of CREATE
 * FUNCTION or PROCEDURE hide their ';'; '[' and '`' quote nothing, and
 * CREATE TRIGGER has no BEGIN ... END body there (it names a function).
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

/* Where close[0..n) first occurs in s[i..len): the index just past it,
 * or len when it never does. */
static size_t skip_past(const char *s, size_t len, size_t i, const char *close, size_t n)
{
    for (; i + n <= len; i++)
        if (memcmp(s + i, close, n) == 0)
            return i + n;
    return len;
}

/* Where the byte after `open` at s[i] (a quote, '[' or a comment) is
 * closed: the index just past the closing text, or len when it never is. */
static size_t skip_to(const char *s, size_t len, size_t i, const char *close)
{
    return skip_past(s, len, i, close, strlen(close));
}

/* ---- PostgreSQL ------------------------------------------------------------ */

/* A character that may start a PostgreSQL identifier (and so a dollar
 * quote's tag): a letter, '_' or any byte of a non-ASCII character. */
static int pg_ident_start(unsigned char c)
{
    return isalpha(c) || c == '_' || c >= 0x80;
}

/* The length of the dollar-quote delimiter at s[i] ("$$" or "$tag$", the
 * tag identifier-like without '$'), or 0 when s[i] starts none ($1 is a
 * parameter).  The caller has seen that s[i] follows no identifier
 * character: "a$b$" is one identifier. */
static size_t pg_dollar_delim(const char *s, size_t len, size_t i)
{
    size_t j = i + 1;

    if (j < len && pg_ident_start((unsigned char)s[j]))
        while (j < len && (isalnum((unsigned char)s[j]) || s[j] == '_' || (unsigned char)s[j] >= 0x80))
            j++;
    return j < len && s[j] == '$' ? j + 1 - i : 0;
}

/* Just past the close of the block comment whose text starts at s[i]:
 * PostgreSQL's block comments nest. */
static size_t pg_skip_comment(const char *s, size_t len, size_t i)
{
    int depth = 1;

    while (i < len && depth > 0) {
        if (s[i] == '/' && i + 1 < len && s[i + 1] == '*')
            depth++, i += 2;
        else if (s[i] == '*' && i + 1 < len && s[i + 1] == '/')
            depth--, i += 2;
        else
            i++;
    }
    return i;
}

/* Just past the quote closing the escape string (E'...') whose text
 * starts at s[i]: a backslash hides the byte after it. */
static size_t pg_skip_escape_string(const char *s, size_t len, size_t i)
{
    for (; i < len; i++) {
        if (s[i] == '\\')
            i++;
        else if (s[i] == '\'')
            return i + 1;
    }
    return len;
}

/* What pg_statement_end knows of the statement so far, to find the end of
 * an SQL-standard function body (CREATE [OR REPLACE] FUNCTION|PROCEDURE
 * ... BEGIN ATOMIC ...; ...; END), whose ';' do not end it either: the
 * same heuristic as psql's (a BEGIN, and a CASE inside one, open; END
 * closes), and ';' inside parentheses do not end a statement. */
typedef struct pg_scan {
    int words;                  /* words seen */
    int routine;                /* the statement creates a function or procedure */
    int begins;                 /* BEGIN/CASE not yet closed by END */
    int parens;                 /* '(' not yet closed */
} pg_scan;

static int word_is(const char *s, size_t n, const char *w)
{
    return strlen(w) == n && strncasecmp(s, w, n) == 0;
}

/* Takes the word s[0..n) into the scan. */
static void pg_word(pg_scan *sc, const char *s, size_t n)
{
    static const char *const head[] = { "create", "or", "replace" };
    int k = sc->words++;

    if (k == 0) {
        sc->routine = word_is(s, n, "create") ? -1 : 0;   /* -1: maybe */
        return;
    }
    if (sc->routine == -1) {
        if (word_is(s, n, "function") || word_is(s, n, "procedure"))
            sc->routine = k == 1 || k == 3 ? 1 : 0;
        else if (k > 2 || !word_is(s, n, head[k]))
            sc->routine = 0;
        return;
    }
    if (sc->routine != 1 || sc->parens > 0)
        return;
    if (word_is(s, n, "begin") || (sc->begins > 0 && word_is(s, n, "case")))
        sc->begins++;
    else if (sc->begins > 0 && word_is(s, n, "end"))
        sc->begins--;
}

/* mci_statement_end for PostgreSQL's text: the first ';' outside quotes,
 * dollar quotes, comments, parentheses and a BEGIN ATOMIC body ends the
 * statement. */
static size_t pg_statement_end(const char *s, size_t len)
{
    pg_scan sc = { 0, 0, 0, 0 };
    size_t i = 0, n;

    while (i < len) {
        unsigned char c = (unsigned char)s[i];

        if (c == ';') {
            i++;
            if (sc.parens == 0 && sc.begins == 0)
                return i;
        } else if (c == '(' || c == ')') {
            sc.parens += c == '(' ? 1 : sc.parens > 0 ? -1 : 0;
            i++;
        } else if (c == '/' && i + 1 < len && s[i + 1] == '*') {
            i = pg_skip_comment(s, len, i + 2);
        } else if (c == '-' && i + 1 < len && s[i + 1] == '-') {
            i = skip_to(s, len, i + 2, "\n");
        } else if (c == '\'' || c == '"') {
            char q[2] = { (char)c, '\0' };
            i = skip_to(s, len, i + 1, q);
        } else if (c == '$' && (n = pg_dollar_delim(s, len, i)) > 0) {
            i = skip_past(s, len, i + n, s + i, n);     /* to the same delimiter */
        } else if (pg_ident_start(c)) {
            size_t start = i;
            while (i < len && id_char((unsigned char)s[i]))
                i++;
            if (i - start == 1 && (c == 'E' || c == 'e') && i < len && s[i] == '\'')
                i = pg_skip_escape_string(s, len, i + 1);
            else
                pg_word(&sc, s + start, i - start);
        } else if (isdigit(c) || c == '$') {  /* a number or a parameter $1 */
            i++;
            while (i < len && (isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '.'))
                i++;
        } else {
            i++;
        }
    }
    return len;
}

/* ---- both ------------------------------------------------------------------ */

size_t mci_statement_end(const char *s, size_t len, unsigned flags)
{
    size_t i = 0;
    int state = ST_INVALID, tk;

    if (flags & MCI_SQL_POSTGRESQL)
        return pg_statement_end(s, len);

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
