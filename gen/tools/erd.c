/* erd.c -- see erd.h. */
#include "erd.h"

#include <string.h>

/* ---- escaping ----------------------------------------------------------- */

/* s inside an HTML-like label: & < > " and control bytes as entities. */
static void put_html(mcc_buf *b, const char *s)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '&': mcc_buf_put(b, "&amp;"); break;
        case '<': mcc_buf_put(b, "&lt;"); break;
        case '>': mcc_buf_put(b, "&gt;"); break;
        case '"': mcc_buf_put(b, "&quot;"); break;
        default:
            if (c < 0x20 || c == 0x7f)
                mcc_buf_printf(b, "&#%u;", c);
            else
                mcc_buf_putc(b, (char)c);
        }
    }
}

/* s as a DOT quoted string: " and \ escaped, line breaks as spaces. */
static void put_quoted(mcc_buf *b, const char *s)
{
    mcc_buf_putc(b, '"');
    for (; s && *s; s++) {
        if (*s == '"' || *s == '\\')
            mcc_buf_putc(b, '\\');
        mcc_buf_putc(b, *s == '\n' || *s == '\r' ? ' ' : *s);
    }
    mcc_buf_putc(b, '"');
}

/* ---- nodes -------------------------------------------------------------- */

/* A UNIQUE column: the attribute, a one-column UNIQUE constraint or index. */
static bool column_unique(const mcc_table *t, size_t ci)
{
    if (t->columns[ci].unique)
        return true;
    for (size_t i = 0; i < t->nconstraints; i++)
        if (t->constraints[i].kind == MCC_C_UNIQUE && t->constraints[i].ncols == 1 &&
            t->constraints[i].cols[0] == ci)
            return true;
    for (size_t i = 0; i < t->nindexes; i++)
        if (t->indexes[i].unique && t->indexes[i].ncols == 1 && t->indexes[i].cols[0] == ci)
            return true;
    return false;
}

static bool column_in_fk(const mcc_table *t, size_t ci)
{
    for (size_t i = 0; i < t->nconstraints; i++) {
        const mcc_constraint *k = &t->constraints[i];
        for (size_t j = 0; k->kind == MCC_C_FOREIGN_KEY && j < k->ncols; j++)
            if (k->cols[j] == ci)
                return true;
    }
    return false;
}

/* Is t only the link of a many-to-many (named by some `secondary:`)? */
static bool is_association(const mcc_schema *s, const mcc_table *t)
{
    for (size_t i = 0; i < s->ntables; i++)
        for (size_t r = 0; r < s->tables[i]->nrels; r++)
            if (s->tables[i]->rels[r]->secondary == t)
                return true;
    return false;
}

/* "PK FK UNIQUE NOT NULL", whichever apply. */
static void put_marks(mcc_buf *b, const mcc_table *t, size_t ci)
{
    const mcc_column *c = &t->columns[ci];
    const char *sep = "";
    if (c->primary_key) {
        mcc_buf_put(b, "PK");
        sep = " ";
    }
    if (column_in_fk(t, ci)) {
        mcc_buf_printf(b, "%sFK", sep);
        sep = " ";
    }
    if (column_unique(t, ci)) {
        mcc_buf_printf(b, "%sUNIQUE", sep);
        sep = " ";
    }
    if (!c->nullable && !c->primary_key)
        mcc_buf_printf(b, "%sNOT NULL", sep);
}

/* The table as an HTML-like label: a header, then name | type | marks per
 * column.  Column i's name cell is port "ii", where edges arrive, and its
 * marks cell "oi", where they leave (ports never carry schema text). */
static void emit_node(mcc_buf *b, const mcc_schema *s, const mcc_table *t)
{
    bool assoc = is_association(s, t);
    mcc_buf_put(b, "    ");
    put_quoted(b, t->name);
    mcc_buf_put(b, " [label=<<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"4\">\n");
    mcc_buf_printf(b, "      <TR><TD COLSPAN=\"3\" BGCOLOR=\"%s\"><B>", assoc ? "#eeeeee" : "#dde4ee");
    put_html(b, t->model ? t->model : t->name);
    mcc_buf_put(b, "</B>");
    if (t->model && strcmp(t->model, t->name) != 0) {
        mcc_buf_put(b, " (");
        put_html(b, t->name);
        mcc_buf_put(b, ")");
    }
    if (assoc)
        mcc_buf_put(b, "<BR/><I>association table</I>");
    mcc_buf_put(b, "</TD></TR>\n");
    for (size_t i = 0; i < t->ncolumns; i++) {
        const mcc_column *c = &t->columns[i];
        mcc_buf_printf(b, "      <TR><TD PORT=\"i%zu\" ALIGN=\"LEFT\">%s", i, c->primary_key ? "<U>" : "");
        put_html(b, c->name);
        mcc_buf_printf(b, "%s</TD><TD ALIGN=\"LEFT\">", c->primary_key ? "</U>" : "");
        put_html(b, c->sql_type);
        if (c->type == MCC_T_ENUM && c->enum_type) {
            mcc_buf_put(b, " <I>");
            put_html(b, c->enum_type->name);
            mcc_buf_put(b, "</I>");
        }
        mcc_buf_printf(b, "</TD><TD PORT=\"o%zu\" ALIGN=\"LEFT\">", i);
        put_marks(b, t, i);
        mcc_buf_put(b, "</TD></TR>\n");
    }
    mcc_buf_put(b, "    </TABLE>>];\n");
}

/* ---- edges -------------------------------------------------------------- */

/* The relationships declared over foreign key k, as "A.x / B.y, ...". */
static void put_rel_names(mcc_buf *b, const mcc_schema *s, const mcc_constraint *k)
{
    const char *sep = "";
    for (size_t i = 0; i < s->ntables; i++) {
        const mcc_table *t = s->tables[i];
        for (size_t r = 0; r < t->nrels; r++) {
            const mcc_relationship *rel = t->rels[r];
            if (rel->is_backref || (rel->fk != k && rel->fk2 != k))
                continue;
            mcc_buf_put(b, sep);
            mcc_buf_printf(b, "%s.%s", rel->owner->model, rel->name);
            if (rel->other)
                mcc_buf_printf(b, " / %s.%s", rel->other->owner->model, rel->other->name);
            sep = ", ";
        }
    }
}

/* At most one referencing row per referenced row (a one-to-one)? */
static bool fk_unique(const mcc_table *t, const mcc_constraint *k)
{
    if (k->ncols == 1)
        return column_unique(t, k->cols[0]) ||
               (t->npk == 1 && t->pk[0] == k->cols[0]);
    if (t->npk == k->ncols) {   /* the whole primary key */
        size_t same = 0;
        for (size_t i = 0; i < k->ncols; i++)
            for (size_t j = 0; j < t->npk; j++)
                same += k->cols[i] == t->pk[j];
        if (same == k->ncols)
            return true;
    }
    return false;
}

/* May a referencing row refer to nothing? */
static bool fk_nullable(const mcc_table *t, const mcc_constraint *k)
{
    for (size_t i = 0; i < k->ncols; i++)
        if (t->columns[k->cols[i]].nullable)
            return true;
    return false;
}

/* The foreign key k of t, from its (first) column to the referenced one,
 * with crow's-foot ends, a tooltip spelling it out and the relationships
 * as its label. */
static void emit_edge(mcc_buf *b, const mcc_schema *s, const mcc_table *t, const mcc_constraint *k)
{
    const mcc_table *to = k->ref ? k->ref : mcc_schema_table(s, k->ref_table);
    if (!to || !k->ncols)
        return;
    size_t rc = k->nref ? mcc_table_column_index(to, k->ref_cols[0]) : (size_t)-1;
    mcc_buf_put(b, "    ");
    put_quoted(b, t->name);
    mcc_buf_printf(b, ":o%zu -> ", k->cols[0]);
    put_quoted(b, to->name);
    if (rc != (size_t)-1)
        mcc_buf_printf(b, ":i%zu", rc);
    mcc_buf_printf(b, " [arrowtail=%s, arrowhead=%s", fk_unique(t, k) ? "teeodot" : "crowodot",
                  fk_nullable(t, k) ? "teeodot" : "teetee");
    mcc_buf tip = {0};
    for (size_t i = 0; i < k->ncols; i++)
        mcc_buf_printf(&tip, "%s%s", i ? ", " : "", t->columns[k->cols[i]].name);
    mcc_buf_printf(&tip, " -> %s", to->name);
    if (k->nref) {
        mcc_buf_put(&tip, " (");
        for (size_t i = 0; i < k->nref; i++)
            mcc_buf_printf(&tip, "%s%s", i ? ", " : "", k->ref_cols[i]);
        mcc_buf_put(&tip, ")");
    }
    if (k->on_delete)
        mcc_buf_printf(&tip, " ON DELETE %s", mcc_fk_action_sql(k->on_delete));
    mcc_buf_put(b, ", tooltip=");
    put_quoted(b, tip.data ? tip.data : "");
    mcc_buf_free(&tip);
    mcc_buf names = {0};
    put_rel_names(&names, s, k);
    if (names.len) {
        mcc_buf_put(b, ", label=");
        put_quoted(b, names.data);
    }
    mcc_buf_free(&names);
    mcc_buf_put(b, "];\n");
}

/* The graph: defaults, the nodes in declaration order, then the edges. */
void mcc_erd_dot(mcc_buf *b, const mcc_schema *s)
{
    mcc_buf_put(b, "// Entity-relationship diagram of ");
    mcc_buf_put(b, s->name ? s->name : "schema");
    mcc_buf_put(b, ".model, written by modelc erd (render: dot -Tsvg).\n");
    mcc_buf_put(b, "digraph ");
    put_quoted(b, s->name ? s->name : "schema");
    mcc_buf_put(b, " {\n"
                  "    graph [rankdir=LR, fontname=\"Helvetica\", nodesep=0.5, ranksep=1.0];\n"
                  "    node [shape=plaintext, fontname=\"Helvetica\", fontsize=10];\n"
                  "    edge [dir=both, fontname=\"Helvetica\", fontsize=9, arrowsize=0.9];\n\n");
    for (size_t i = 0; i < s->ntables; i++)
        emit_node(b, s, s->tables[i]);
    mcc_buf_put(b, "\n");
    for (size_t i = 0; i < s->ntables; i++) {
        const mcc_table *t = s->tables[i];
        for (size_t k = 0; k < t->nconstraints; k++)
            if (t->constraints[k].kind == MCC_C_FOREIGN_KEY)
                emit_edge(b, s, t, &t->constraints[k]);
    }
    mcc_buf_put(b, "}\n");
}
