/* pg_names.c -- see pg_names.h.  Follows PostgreSQL's makeObjectName,
 * ChooseConstraintName and the CHECK naming in AddRelationNewConstraints. */
#include "pg_names.h"
#include "buf.h"

#include <ctype.h>
#include <string.h>

#define PG_NAME_MAX 63     /* NAMEDATALEN - 1 */

/* n bytes of s, shortened so that no UTF-8 character is cut. */
static size_t clip(const char *s, size_t n)
{
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

/* name1[_name2]_label within 63 bytes: the longer of name1 and name2
 * loses a byte until it fits (makeObjectName). */
static const char *object_name(mcc_arena *a, const char *name1, const char *name2, const char *label)
{
    size_t l1 = strlen(name1), l2 = name2 ? strlen(name2) : 0;
    size_t overhead = strlen(label) + 1 + (name2 ? 1 : 0);
    size_t avail = PG_NAME_MAX > overhead ? PG_NAME_MAX - overhead : 0;
    while (l1 + l2 > avail) {
        if (l1 > l2)
            l1--;
        else
            l2--;
    }
    l1 = clip(name1, l1);
    if (name2)
        l2 = clip(name2, l2);
    return name2 ? mcc_arena_printf(a, "%.*s_%.*s_%s", (int)l1, name1, (int)l2, name2, label)
                 : mcc_arena_printf(a, "%.*s_%s", (int)l1, name1, label);
}

/* "a_b_c" for columns a, b, c of t. */
static const char *col_names(mcc_arena *a, const mcc_table *t, const size_t *cols, size_t n)
{
    mcc_buf b = {0};
    for (size_t i = 0; i < n; i++)
        mcc_buf_printf(&b, "%s%s", i ? "_" : "", t->columns[cols[i]].name);
    const char *s = mcc_arena_strdup(a, b.data ? b.data : "");
    mcc_buf_free(&b);
    return s;
}

/* Does the expression use name as a word? */
static int mentions(const char *text, const char *name)
{
    size_t n = strlen(name);
    for (const char *s = text; n && s && (s = strstr(s, name)); s++) {
        int before = s == text || !(isalnum((unsigned char)s[-1]) || s[-1] == '_');
        int after = !(isalnum((unsigned char)s[n]) || s[n] == '_');
        if (before && after)
            return 1;
    }
    return 0;
}

/* The one column of t a CHECK expression uses, or NULL (none, several). */
static const char *check_column(const mcc_table *t, const char *expr)
{
    const char *found = NULL;
    for (size_t i = 0; i < t->ncolumns; i++) {
        if (!mentions(expr, t->columns[i].name))
            continue;
        if (found)
            return NULL;
        found = t->columns[i].name;
    }
    return found;
}

/*
 * The names of t's checks in the order CREATE TABLE names them (column
 * checks in column order, then the table's CHECK constraints), each the
 * first of <base>, <base>1, <base>2... not taken yet; the name of the
 * check `want` (a column's check expression pointer, or a constraint).
 */
static const char *check_name(mcc_arena *a, const mcc_table *t, const mcc_column *want_col, const mcc_constraint *want)
{
    size_t total = t->ncolumns + t->nconstraints, n = 0;
    const char **names = mcc_arena_alloc(a, (total + 1) * sizeof *names);
    if (!names)
        return NULL;
    for (size_t pass = 0; pass < 2; pass++) {
        size_t count = pass == 0 ? t->ncolumns : t->nconstraints;
        for (size_t i = 0; i < count; i++) {
            const mcc_column *c = pass == 0 ? &t->columns[i] : NULL;
            const mcc_constraint *k = pass == 1 ? &t->constraints[i] : NULL;
            const char *expr = c ? c->check : k->kind == MCC_C_CHECK ? k->check : NULL;
            if (!expr)
                continue;
            const char *name = k && k->name ? k->name : NULL;
            if (!name) {
                const char *col = check_column(t, expr);
                for (int num = 0; !name; num++) {
                    const char *label = num ? mcc_arena_printf(a, "check%d", num) : "check";
                    const char *cand = object_name(a, t->name, col, label);
                    int taken = 0;
                    for (size_t j = 0; j < n; j++)
                        if (strcmp(names[j], cand) == 0)
                            taken = 1;
                    if (!taken) {
                        name = cand;
                        break;
                    }
                }
            }
            names[n++] = name;
            if ((c && c == want_col) || (k && k == want))
                return name;
        }
    }
    return NULL;
}

const char *mcc_pg_constraint_name(mcc_arena *a, const mcc_table *t, const mcc_constraint *k)
{
    if (k->name)
        return k->name;
    switch (k->kind) {
    case MCC_C_UNIQUE: return object_name(a, t->name, col_names(a, t, k->cols, k->ncols), "key");
    case MCC_C_FOREIGN_KEY: return object_name(a, t->name, col_names(a, t, k->cols, k->ncols), "fkey");
    case MCC_C_CHECK: return check_name(a, t, NULL, k);
    }
    return NULL;
}

const char *mcc_pg_column_check_name(mcc_arena *a, const mcc_table *t, const mcc_column *c)
{
    return c->check ? check_name(a, t, c, NULL) : NULL;
}

const char *mcc_pg_key_name(mcc_arena *a, const char *table, const char *const *cols, size_t n, const char *label)
{
    mcc_buf b = {0};
    for (size_t i = 0; i < n; i++)
        mcc_buf_printf(&b, "%s%s", i ? "_" : "", cols[i]);
    const char *joined = mcc_arena_strdup(a, b.data ? b.data : "");
    mcc_buf_free(&b);
    return joined ? object_name(a, table, joined, label) : NULL;
}

const char *mcc_pg_pkey_name(mcc_arena *a, const char *table)
{
    return object_name(a, table, NULL, "pkey");
}

const char *mcc_pg_sequence_name(mcc_arena *a, const char *table, const char *column)
{
    return object_name(a, table, column, "seq");
}

const char *mcc_pg_object_name(mcc_arena *a, const char *name1, const char *name2, const char *label)
{
    return object_name(a, name1, name2, label);
}
