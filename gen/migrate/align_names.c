/* align_names.c -- see align_names.h. */
#include "align_names.h"

#include <ctype.h>
#include <string.h>

/* Do t's columns cols and w's columns wcols have the same names, in order? */
static bool same_columns(const mcc_table *t, const size_t *cols, size_t n, const mcc_table *w, const size_t *wcols,
                         size_t wn)
{
    if (n != wn)
        return false;
    for (size_t i = 0; i < n; i++)
        if (strcmp(t->columns[cols[i]].name, w->columns[wcols[i]].name) != 0)
            return false;
    return true;
}

/* ON DELETE / ON UPDATE NO ACTION is no clause. */
static mcc_fk_action plain_action(mcc_fk_action x)
{
    return x == MCC_FK_NO_ACTION ? MCC_FK_NONE : x;
}

/* Are the database's constraint k of t and the schema's wk of w the same
 * but for a name? */
static bool same_but_name(mcc_arena *a, mcc_same_check_fn same_check, const mcc_table *t, const mcc_constraint *k,
                          const mcc_table *w, const mcc_constraint *wk)
{
    if (k->kind != wk->kind)
        return false;
    if (k->kind == MCC_C_CHECK)
        return k->check && wk->check && same_check(a, k->check, wk->check);
    if (!same_columns(t, k->cols, k->ncols, w, wk->cols, wk->ncols))
        return false;
    if (k->kind == MCC_C_UNIQUE)
        return true;
    if (strcmp(k->ref_table, wk->ref_table) != 0 || k->nref != wk->nref ||
        plain_action(k->on_delete) != plain_action(wk->on_delete) ||
        plain_action(k->on_update) != plain_action(wk->on_update))
        return false;
    for (size_t i = 0; i < k->nref; i++)
        if (strcmp(k->ref_cols[i], wk->ref_cols[i]) != 0)
            return false;
    return true;
}

/* See align_names.h.  Each of want's constraints is taken by one of
 * have's at most, so that two named copies of one constraint stay a
 * difference. */
int mcc_align_constraint_names(mcc_schema *have, const mcc_schema *want, mcc_arena *arena,
                               mcc_same_check_fn same_check, mcc_named_matches *out)
{
    size_t cap = 0;
    out->items = NULL;
    out->n = 0;
    for (size_t i = 0; i < have->ntables; i++) {
        mcc_table *t = have->tables[i];
        const mcc_table *w = mcc_schema_table(want, t->name);
        if (!w)
            continue;
        /* The primary key has no constraint of its own in want: a name the
         * database gives it is listed with want == NULL. */
        if (t->pk_name && w->npk && same_columns(t, t->pk, t->npk, w, w->pk, w->npk)) {
            mcc_named_match *nm = MCC_ARENA_PUSH(arena, out->items, out->n, cap);
            if (!nm)
                return -1;
            *nm = (mcc_named_match){t, t->pk_name, w, NULL};
        }
        bool *taken = w->nconstraints ? mcc_arena_alloc(arena, w->nconstraints * sizeof *taken) : NULL;
        if (w->nconstraints && !taken)
            return -1;
        if (taken)
            memset(taken, 0, w->nconstraints * sizeof *taken);
        for (size_t k = 0; k < t->nconstraints; k++) {
            mcc_constraint *tk = &t->constraints[k];
            for (size_t m = 0; tk->name && m < w->nconstraints; m++) {
                const mcc_constraint *wk = &w->constraints[m];
                if (taken[m] || wk->name || !same_but_name(arena, same_check, t, tk, w, wk))
                    continue;
                mcc_named_match *nm = MCC_ARENA_PUSH(arena, out->items, out->n, cap);
                if (!nm)
                    return -1;
                *nm = (mcc_named_match){t, tk->name, w, wk};
                taken[m] = true;
                tk->name = NULL;
                if (tk->kind == MCC_C_CHECK)
                    tk->check = wk->check;
            }
        }
    }
    return 0;
}

/* The next byte of s from *i that is not white space outside quotes,
 * runs of white space read as one ' ' (none at the ends): 0 at the end. */
static int next_sql_byte(const char *s, size_t *i, char *quote)
{
    if (!*quote && isspace((unsigned char)s[*i])) {
        while (isspace((unsigned char)s[*i]))
            (*i)++;
        if (s[*i] && *i > 0)
            return ' ';
    }
    char c = s[*i];
    if (!c)
        return 0;
    (*i)++;
    if (*quote ? c == *quote : (c == '\'' || c == '"'))
        *quote = *quote ? 0 : c;
    return (unsigned char)c;
}

/* See align_names.h. */
bool mcc_same_sql_text(mcc_arena *a, const char *x, const char *y)
{
    (void)a;
    size_t i = 0, j = 0;
    char qx = 0, qy = 0;
    while (isspace((unsigned char)x[i]))
        i++;
    while (isspace((unsigned char)y[j]))
        j++;
    for (;;) {
        int cx = next_sql_byte(x, &i, &qx), cy = next_sql_byte(y, &j, &qy);
        if (cx != cy)
            return false;
        if (!cx)
            return true;
    }
}
