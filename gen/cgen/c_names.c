/*
 * c_names.c -- the generated-names table: every C name `modelc generate`
 * writes for a schema, built once before anything is emitted, so that a
 * valid schema either gets C that compiles or a located error.
 *
 * The naming rules of generated symbols, written down here once (README.md
 * and cgen.h refer to this comment).  P is the --prefix (default empty),
 * <Model> the model's C type, <model> its function prefix:
 *   struct / typedef     P<Model>                     User, LibraryCard
 *   list / query / page  P<Model>_list, _query, _page User_list
 *   functions            P<model>_<verb>              user_insert, library_card_get
 *   column constants     <MODEL>_COL_<FIELD>          USER_COL_USERNAME
 *   enum type / values   P<Enum>, P<ENUM>_<VALUE>     Format, FORMAT_EBOOK (0 = unset)
 *   defaults             <MODEL>_INIT (macro), P<model>_init, P<model>_new
 *   NULL flag            <field>_null member (nullable numbers and booleans)
 *   migrations           <base>_migrate, _migrations, _migrations_list (--migrations)
 * and the rules that keep them valid C:
 *   - A model's or enum's C type is P<Name>; when that is a C/C++ keyword,
 *     a name of the standard headers the generated code includes (`int`,
 *     `size_t`, `free`, `NULL`, ...) or a name the generated functions use
 *     for their own locals (`row`, `item`, `out`, ...: cg_is_local_name),
 *     a '_' is appended: `int_`.
 *   - Its function prefix is P<name_in_snake_case>, leading underscores
 *     kept (`_4ts` -> `_4ts_insert`).  A model whose type would equal its
 *     function prefix (named in snake case: `user`, `_4ts`) gets `_row`
 *     appended to its type: `user_row`, `user_row_list`, `user_row_query`.
 *   - A field's or relationship's C name is its name; a '_' is appended
 *     when it is a keyword, a standard name, a model's or enum's C type,
 *     or starts like the runtime's and SQLite's names (mc_, MC_, sqlite3,
 *     sqlite_, SQLITE, MODELC_, __: runtime_prefix): `enum_`, `size_t_`,
 *     `User_`, `NULL_`.  Its SQL name
 *     stays.  A parameter named after a field also keeps clear of every
 *     generated name (cg_local: `find_by_user_free(db, user_free_, &out)`).
 *   - The schema file's stem is already an identifier (load.c); one that
 *     starts with a digit gets `schema_` in front in C names
 *     (`01_blog.model` -> `schema_01_blog_migrate`, guard
 *     `SCHEMA_01_BLOG_MODELC_H`); the files keep the stem (`01_blog.h`).
 * What the rules cannot avoid is an error located at the second source,
 * naming the first, with a hint, and nothing is written:
 *   - two sources giving one global C name (`User_list` next to `User`,
 *     `UserQuery` next to `User`, enum value `USER_COL_ID` next to model
 *     User's column constant, a relationship named like a function such as
 *     `all`), or one struct member (`x_null` next to the NULL flag of `x`,
 *     fields `id` and `ID`), or one parameter;
 *   - a global name starting with a prefix reserved for libmodelc and
 *     SQLite (the same runtime_prefix list) or `__` (--prefix avoids it).
 *
 * Entries are (name -> what made it, where); the reserved names of C, C++
 * and the headers are entries too, so one lookup answers both questions.
 */
#include "cgen.h"
#include "naming.h"
#include "query.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct name_entry {
    const char *name;
    const char *what;           /* "model 'User'", "a keyword of C or C++" */
    const char *role;           /* "the list type", or NULL */
    mcc_span at;
    bool reserved;              /* from C, C++ or a header, not the schema */
} name_entry;

struct cg_names {
    name_entry *slots;
    size_t cap, n;
    mcc_arena *arena;
    mcc_buf texts;               /* definitions of long texts (cg_long_text), for the source's top */
    unsigned ntexts;
    const char *duplicate;      /* what cg_duplicate_definition last found */
};

/* ---- the table ------------------------------------------------------------ */

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static name_entry *slot(cg_names *t, const char *name)
{
    size_t i = (size_t)hash(name) & (t->cap - 1);
    while (t->slots[i].name && strcmp(t->slots[i].name, name) != 0)
        i = (i + 1) & (t->cap - 1);
    return &t->slots[i];
}

static int grow(cg_names *t)
{
    size_t ncap = t->cap ? t->cap * 2 : 64;
    name_entry *old = t->slots;
    size_t ocap = t->cap;
    t->slots = mcc_arena_alloc(t->arena, ncap * sizeof *t->slots);
    if (!t->slots)
        return -1;
    memset(t->slots, 0, ncap * sizeof *t->slots);
    t->cap = ncap;
    for (size_t i = 0; i < ocap; i++)
        if (old[i].name)
            *slot(t, old[i].name) = old[i];
    return 0;
}

/* The entry named name, or NULL. */
static const name_entry *find(const cg_names *t, const char *name)
{
    if (!t || !t->cap)
        return NULL;
    const name_entry *e = slot((cg_names *)t, name);
    return e->name ? e : NULL;
}

/* Adds name; returns the entry it collides with, or NULL. */
static const name_entry *add(cg_names *t, const char *name, const char *what, const char *role, mcc_span at,
                             bool reserved)
{
    if ((t->n + 1) * 2 > t->cap && grow(t) != 0)
        return NULL;
    name_entry *e = slot(t, name);
    if (e->name)
        return e;
    *e = (name_entry){name, what, role, at, reserved};
    t->n++;
    return NULL;
}

/* ---- what C, C++ and the included headers take ------------------------- */

static const char *const stdlib_names[] = {
    /* <stddef.h>, <stdbool.h> */
    "NULL", "offsetof", "size_t", "ptrdiff_t", "max_align_t",
    /* <stdlib.h> */
    "div_t", "ldiv_t", "lldiv_t", "EXIT_FAILURE", "EXIT_SUCCESS", "RAND_MAX", "MB_CUR_MAX", "atof", "atoi",
    "atol", "atoll", "strtod", "strtof", "strtold", "strtol", "strtoll", "strtoul", "strtoull", "rand", "srand",
    "aligned_alloc", "calloc", "free", "malloc", "realloc", "abort", "atexit", "at_quick_exit", "exit", "_Exit",
    "getenv", "quick_exit", "system", "bsearch", "qsort", "abs", "labs", "llabs", "div", "ldiv", "lldiv", "mblen",
    "mbtowc", "wctomb", "mbstowcs", "wcstombs",
    /* <string.h> (and POSIX's strdup, strndup) */
    "memcpy", "memmove", "strcpy", "strncpy", "strcat", "strncat", "memcmp", "strcmp", "strcoll", "strncmp",
    "strxfrm", "memchr", "strchr", "strcspn", "strpbrk", "strrchr", "strspn", "strstr", "strtok", "memset",
    "strerror", "strlen", "strdup", "strndup",
    /* <stdint.h> beyond the sized families */
    "intptr_t", "uintptr_t", "intmax_t", "uintmax_t", "INTPTR_MIN", "INTPTR_MAX", "UINTPTR_MAX", "INTMAX_MIN",
    "INTMAX_MAX", "UINTMAX_MAX", "PTRDIFF_MIN", "PTRDIFF_MAX", "SIG_ATOMIC_MIN", "SIG_ATOMIC_MAX", "SIZE_MAX",
    "WCHAR_MIN", "WCHAR_MAX", "WINT_MIN", "WINT_MAX", "INTMAX_C", "UINTMAX_C",
    /* the preprocessor, and GNU C's predefined macros */
    "_Pragma", "defined", "linux", "unix", "i386", "main",
};

static void add_reserved(cg_names *t)
{
    mcc_span none = {0, 0};
    for (size_t i = 0; i < sizeof stdlib_names / sizeof stdlib_names[0]; i++)
        add(t, stdlib_names[i], "a name of C's standard headers", NULL, none, true);
    static const char *const fam[] = {"int%d_t", "uint%d_t", "int_least%d_t", "uint_least%d_t", "int_fast%d_t",
                                      "uint_fast%d_t", "INT%d_MIN", "INT%d_MAX", "UINT%d_MAX", "INT_LEAST%d_MIN",
                                      "INT_LEAST%d_MAX", "UINT_LEAST%d_MAX", "INT_FAST%d_MIN", "INT_FAST%d_MAX",
                                      "UINT_FAST%d_MAX", "INT%d_C", "UINT%d_C"};
    for (int bits = 8; bits <= 64; bits *= 2)
        for (size_t i = 0; i < sizeof fam / sizeof fam[0]; i++)
            add(t, mcc_arena_printf(t->arena, fam[i], bits), "a name of <stdint.h>", NULL, none, true);
}

static bool reserved_word(const cg_names *t, const char *name)
{
    if (mcc_is_c_keyword(name))
        return true;
    const name_entry *e = find(t, name);
    return e && e->reserved;
}

/* The prefix of libmodelc's or SQLite's names that name starts with, or NULL. */
static const char *runtime_prefix(const char *name)
{
    static const char *const prefixes[] = {"mc_", "MC_", "sqlite3", "sqlite_", "SQLITE", "MODELC_", "__"};
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
            return prefixes[i];
    return NULL;
}

/* ---- the checker ------------------------------------------------------------ */

typedef struct checker {
    cgen *g;
    cg_names *t;
    mcc_diag *diag;
    int errors;
    const void *last_source;    /* one error per source entity is enough */
} checker;

static const char *where(checker *k, mcc_span at)
{
    unsigned line = 0, col = 0;
    if (!k->diag->src || !k->diag->src->text)
        return "";
    mcc_diag_linecol(k->diag->src, at.off, &line, &col);
    return mcc_arena_printf(k->g->arena, " at %u:%u", line, col);
}

static void report(checker *k, const void *source, mcc_span at, const char *hint, const char *msg)
{
    if (source && source == k->last_source)
        return;
    k->last_source = source;
    k->errors++;
    mcc_error_at(k->diag, at.off, at.len ? at.len : 1, hint, "%s", msg);
}

/* A global C name made by `what` (the schema entity `source`, at `at`). */
static void global(checker *k, const void *source, const char *what, const char *role, mcc_span at, const char *hint,
                   const char *name)
{
    const char *pre = runtime_prefix(name);
    if (pre) {
        report(k, source, at, "rename it, or give generate a --prefix (e.g. --prefix app_)",
               mcc_arena_printf(k->g->arena, "%s gives the C name '%s' (%s), but names starting with '%s' belong "
                               "to %s", what, name, role, pre,
                               pre[0] == '_' ? "the C implementation" : pre[0] == 's' || pre[0] == 'S' ? "SQLite"
                                                                                                         : "libmodelc"));
        return;
    }
    if (mcc_is_c_keyword(name)) {
        report(k, source, at, hint,
               mcc_arena_printf(k->g->arena, "%s gives the C name '%s' (%s), which is a keyword of C or C++", what,
                               name, role));
        return;
    }
    const name_entry *other = add(k->t, name, what, role, at, false);
    if (!other)
        return;
    if (other->reserved)
        report(k, source, at, hint,
               mcc_arena_printf(k->g->arena, "%s gives the C name '%s' (%s), which is %s", what, name, role,
                               other->what));
    else
        report(k, source, at, hint,
               mcc_arena_printf(k->g->arena, "%s gives the C name '%s' (%s), which is also %s of %s%s", what, name,
                               role, other->role ? other->role : "a name", other->what, where(k, other->at)));
}

static const char *const model_hint = "rename one of the models (table \"...\" keeps a model's table name)";
static const char *const field_hint = "rename one of the fields (column(\"...\") keeps a field's column name)";
static const char *const rel_hint = "rename the relationship or backref";
static const char *const enum_hint = "rename the enum or one of its values";

/* Every function and static name of model t, as c_crud.c and c_types.c
 * emit them; the column-specific ones are blamed on their field. */
static void model_names(checker *k, const mcc_table *t)
{
    cgen *g = k->g;
    mcc_arena *a = g->arena;
    const char *type = cg_type(g, t), *fn = cg_fn(g, t);
    const char *what = mcc_arena_printf(a, "model '%s'", t->model);
    global(k, t, what, "the struct type", t->at, model_hint, type);
    global(k, t, what, "the list type", t->at, model_hint, mcc_arena_printf(a, "%s_list", type));
    global(k, t, what, "the query type", t->at, model_hint, mcc_arena_printf(a, "%s_query", type));
    global(k, t, what, "the column enum type", t->at, model_hint, mcc_arena_printf(a, "%s_column", type));
    global(k, t, what, "the page type", t->at, model_hint, mcc_arena_printf(a, "%s_page", type));
    global(k, t, what, "the eager-loading lists type", t->at, model_hint, mcc_arena_printf(a, "%s_lists", type));
    global(k, t, what, "the eager-loading refs type", t->at, model_hint, mcc_arena_printf(a, "%s_refs", type));
    global(k, t, what, "the defaults macro", t->at, model_hint, cg_init_macro(g, t));
    static const char *const fns[] = {
        "new", "init", "clear", "free", "list_free", "insert", "insert_many", "get", "delete", "query", "query_free",
        "query_order_by", "query_limit", "query_offset", "query_count", "query_next", "query_next_borrowed",
        "query_first", "query_all", "all", "query_page", "page_free", "query_delete", "lists_free", "refs_free",
        "read", "read_lent", "check", "fetch", "meta", "columns",
        /* generate --compact's tables (c_compact.c), taken in both modes so
         * that a schema is valid in both */
        "mc_init", "mc_names", "mc_cols", "mc_keycols", "mc_keys", "mc_cascades", "mc_model",
    };
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
        global(k, t, what, "a function", t->at, model_hint,
               mcc_arena_printf(a, "%s_%s", fn, fns[i]));
    if (t->ncolumns > t->npk)
        global(k, t, what, "a function", t->at, model_hint, mcc_arena_printf(a, "%s_update", fn));

    for (size_t i = 0; i < t->ncolumns; i++) {
        const mcc_column *c = &t->columns[i];
        const char *fw = mcc_arena_printf(a, "field '%s.%s'", t->model, c->field);
        cg_kind kind = cg_kind_of(c);
        global(k, c, fw, "the column constant", c->at, field_hint, cg_col_const(g, t, c));
        if (kind == CG_TEXT || kind == CG_BLOB)
            global(k, c, fw, "the setter", c->at, field_hint, mcc_arena_printf(a, "%s_set_%s", fn, c->field));
        static const char *const ops[] = {"eq", "ne", "lt", "le", "gt", "ge"};
        size_t nops = (kind == CG_BOOL || kind == CG_BLOB || kind == CG_ENUM) ? 2 : 6;
        for (size_t j = 0; j < nops; j++)
            global(k, c, fw, "a query filter", c->at, field_hint,
                   mcc_arena_printf(a, "%s_query_where_%s_%s", fn, c->field, ops[j]));
        if (kind == CG_TEXT)
            global(k, c, fw, "a query filter", c->at, field_hint,
                   mcc_arena_printf(a, "%s_query_where_%s_like", fn, c->field));
        if (kind == CG_INT64 || kind == CG_TEXT || kind == CG_DOUBLE)
            global(k, c, fw, "a query filter", c->at, field_hint,
                   mcc_arena_printf(a, "%s_query_where_%s_in", fn, c->field));
        if (c->nullable) {
            global(k, c, fw, "a query filter", c->at, field_hint,
                   mcc_arena_printf(a, "%s_query_where_%s_is_null", fn, c->field));
            global(k, c, fw, "a query filter", c->at, field_hint,
                   mcc_arena_printf(a, "%s_query_where_%s_is_not_null", fn, c->field));
        }
    }
}

/* Two fields of one key that would be the same C parameter of its
 * finder (or of x_get, for the primary key). */
static void key_params(checker *k, const mcc_table *t, const size_t *cols, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++) {
            const mcc_column *a = &t->columns[cols[j]], *b = &t->columns[cols[i]];
            const char *pa = cg_param(k->g, a), *pb = cg_param(k->g, b);
            if (strcmp(pa, pb) == 0)
                report(k, b, b->at, field_hint,
                       mcc_arena_printf(k->g->arena, "field '%s.%s' and field '%s'%s are both the parameter '%s' "
                                       "of one function", t->model, b->field, a->field, where(k, a->at), pb));
        }
}

typedef enum finder_step { FINDER_NAMES, FINDER_PARAMS } finder_step;

/* x_find_by_<a>_<b> for each unique key other than the primary key, the
 * keys cg_unique_keys gives the emitter too.  FINDER_NAMES: the finders'
 * global names; FINDER_PARAMS (once every global name is known, since
 * parameters avoid them): their parameters. */
static void finder_names(checker *k, const mcc_table *t, finder_step step)
{
    if (step == FINDER_PARAMS)
        key_params(k, t, t->pk, t->npk);
    cg_key keys[CG_MAX_KEYS];
    size_t nkeys = cg_unique_keys(t, keys);
    for (size_t i = 0; i < nkeys; i++) {
        const size_t *cols = keys[i].cols;
        size_t n = keys[i].n;
        if (step == FINDER_PARAMS) {
            key_params(k, t, cols, n);
            continue;
        }
        mcc_buf name = {0};
        mcc_buf_printf(&name, "%s_find_by", cg_fn(k->g, t));
        for (size_t j = 0; j < n; j++)
            mcc_buf_printf(&name, "_%s", t->columns[cols[j]].field);
        const mcc_column *c = &t->columns[cols[n - 1]];
        global(k, c, mcc_arena_printf(k->g->arena, "field '%s.%s'", t->model, c->field), "a finder", c->at,
               field_hint, mcc_arena_strdup(k->g->arena, name.data ? name.data : ""));
        mcc_buf_free(&name);
    }
}

/* Functions of C's standard library that a named query's bare C name
 * could take: <stdio.h>, <math.h>, <time.h>, <ctype.h>, <signal.h> and
 * <setjmp.h> (<stdlib.h> and <string.h> are in stdlib_names).  GCC knows
 * most of them as built-ins, so a query `log` or `remove` would conflict
 * with the library even where the application includes none of these
 * headers.  Only queries are checked against this list: every other
 * generated function carries its model's name. */
static const char *const libc_functions[] = {
    "remove", "rename", "tmpfile", "tmpnam", "fclose", "fflush", "fopen", "freopen", "setbuf", "setvbuf",
    "fprintf", "fscanf", "printf", "scanf", "snprintf", "sprintf", "sscanf", "vfprintf", "vfscanf", "vprintf",
    "vscanf", "vsnprintf", "vsprintf", "vsscanf", "fgetc", "fgets", "fputc", "fputs", "getc", "getchar", "putc",
    "putchar", "puts", "ungetc", "fread", "fwrite", "fgetpos", "fseek", "fsetpos", "ftell", "rewind", "clearerr",
    "feof", "ferror", "perror", "acos", "asin", "atan", "atan2", "cos", "sin", "tan", "cosh", "sinh", "tanh",
    "exp", "exp2", "expm1", "frexp", "ldexp", "log", "log10", "log1p", "log2", "logb", "modf", "cbrt", "fabs",
    "hypot", "pow", "sqrt", "erf", "erfc", "lgamma", "tgamma", "ceil", "floor", "nearbyint", "rint", "lrint",
    "round", "lround", "trunc", "fmod", "remainder", "copysign", "nan", "fdim", "fmax", "fmin", "fma", "clock",
    "difftime", "mktime", "time", "asctime", "ctime", "gmtime", "localtime", "strftime", "isalnum", "isalpha",
    "isblank", "iscntrl", "isdigit", "isgraph", "islower", "isprint", "ispunct", "isspace", "isupper", "isxdigit",
    "tolower", "toupper", "signal", "raise", "setjmp", "longjmp", "index", "rindex", "bzero", "bcmp", "bcopy",
};

/* A named query's C functions and types (c_queries.c): the function
 * itself, its row type and list for a (...) result, the iterator of a
 * list result, and the statement and binder it defines for itself. */
static void query_names(checker *k, const mcc_query *q)
{
    cgen *g = k->g;
    mcc_arena *a = g->arena;
    const char *fn = mcc_arena_printf(a, "%s%s", g->prefix, q->name);
    const char *what = mcc_arena_printf(a, "query '%s'", q->name);
    const char *hint = "rename the query, or give generate a --prefix (e.g. --prefix app_)";
    for (size_t i = 0; i < sizeof libc_functions / sizeof libc_functions[0]; i++)
        if (strcmp(fn, libc_functions[i]) == 0) {
            report(k, q, q->at, hint,
                   mcc_arena_printf(a, "%s gives the C function '%s', which is a function of C's standard library",
                                   what, fn));
            return;
        }
    global(k, q, what, "the query function", q->at, hint, fn);
    global(k, q, what, "the query's statement", q->at, hint, mcc_arena_printf(a, "%s_sql", fn));
    if (q->nparams)
        global(k, q, what, "the query's binder", q->at, hint, mcc_arena_printf(a, "%s_bind", fn));
    bool rows = q->kind == MCC_Q_ROW_LIST || q->kind == MCC_Q_ROW_ONE;
    if (rows) {
        static const char *const row_names[] = {"%s_row", "%s_row_list", "%s_row_clear", "%s_row_free",
                                                "%s_row_list_free", "%s_row_read"};
        for (size_t i = 0; i < sizeof row_names / sizeof row_names[0]; i++)
            global(k, q, what, "the query's row type and its functions", q->at, hint,
                   mcc_arena_printf(a, row_names[i], fn));
    }
    if (q->kind == MCC_Q_MODEL_LIST || q->kind == MCC_Q_ROW_LIST) {
        static const char *const iter_names[] = {"%s_iter", "%s_open", "%s_next", "%s_close"};
        for (size_t i = 0; i < sizeof iter_names / sizeof iter_names[0]; i++)
            global(k, q, what, "the query's streaming functions", q->at, hint, mcc_arena_printf(a, iter_names[i], fn));
    }
}

/* The accessors of c_relations.c. */
static void relation_names(checker *k, const mcc_relationship *r)
{
    cgen *g = k->g;
    mcc_arena *a = g->arena;
    const char *fn = cg_fn(g, r->owner);
    const char *what = mcc_arena_printf(a, "%s '%s.%s'", r->is_backref ? "backref" : "relationship", r->owner->model,
                                       r->name);
    const char *names[4] = {0};
    size_t n = 0;
    switch (r->kind) {
    case MCC_REL_ONE_TO_MANY:
        names[n++] = "%s_%s";
        names[n++] = "%s_%s_list";
        if (r->lazy == MCC_LAZY_JOINED)
            names[n++] = "%s_get_with_%s";
        break;
    case MCC_REL_ONE_TO_ONE:
        names[n++] = "%s_%s";
        names[n++] = "%s_%s_query";
        break;
    case MCC_REL_MANY_TO_ONE: {
        names[n++] = "%s_%s";
        cg_kind kind = cg_kind_of(&r->owner->columns[r->fk->cols[0]]);
        if (kind != CG_TEXT && kind != CG_BLOB)
            names[n++] = "%s_set_%s";
        break;
    }
    case MCC_REL_MANY_TO_MANY:
        names[n++] = "%s_%s";
        names[n++] = "%s_%s_list";
        names[n++] = "%s_%s_add";
        names[n++] = "%s_%s_remove";
        break;
    }
    for (size_t i = 0; i < n; i++)
        global(k, r, what, "an accessor", r->at, rel_hint, mcc_arena_printf(a, names[i], fn, r->name));
    global(k, r, what, "its eager loader", r->at, rel_hint, mcc_arena_printf(a, "%s_list_load_%s", fn, r->name));
}

/* Struct members: each field's C name and whatever else the struct
 * declares for it (cg_flag_member: the NULL flag). */
static void member_names(checker *k, const mcc_table *t)
{
    mcc_arena *a = k->g->arena;
    cg_names local = {0};
    local.arena = a;
    for (size_t i = 0; i < t->ncolumns; i++) {
        const mcc_column *c = &t->columns[i];
        const char *members[2] = {c->field, cg_flag_member(k->g, c)};
        const char *roles[2] = {"the struct member", "the NULL flag"};
        for (int m = 0; m < 2; m++) {
            if (!members[m])
                continue;
            const char *fw = mcc_arena_printf(a, "field '%s.%s'", t->model, c->field);
            const name_entry *other = add(&local, members[m], fw, roles[m], c->at, false);
            if (other)
                report(k, c, c->at, field_hint,
                       mcc_arena_printf(a, "%s gives the struct member '%s' (%s), which is also %s of %s%s", fw,
                                       members[m], roles[m], other->role, other->what, where(k, other->at)));
        }
    }
}

static void enum_names(checker *k, const mcc_enum *e)
{
    cgen *g = k->g;
    mcc_arena *a = g->arena;
    const char *what = mcc_arena_printf(a, "enum '%s'", e->name), *fn = cg_enum_fn(g, e);
    global(k, e, what, "the type", e->at, enum_hint, cg_enum_type(g, e));
    global(k, e, what, "a function", e->at, enum_hint, mcc_arena_printf(a, "%s_to_text", fn));
    global(k, e, what, "a function", e->at, enum_hint, mcc_arena_printf(a, "%s_from_text", fn));
    global(k, e, what, "the name table", e->at, enum_hint, mcc_arena_printf(a, "%s_names", fn));
    for (size_t i = 0; i < e->nvalues; i++)
        global(k, &e->values[i], mcc_arena_printf(a, "value '%s' of enum '%s'", e->values[i], e->name),
               "the constant", e->at, enum_hint, cg_enum_value(g, e, i));
}

/* ---- C names: the rules that avoid collisions ------------------------- */

/* Every type name the schema generates (models' with their _list, _query,
 * ... types, and enums'), for the member rule; one lookup each. */
static void collect_types(cgen *g, const mcc_schema *s, cg_names *types)
{
    static const char *const suffixes[] = {"", "_list", "_query", "_column", "_page", "_lists", "_refs"};
    mcc_span none = {0, 0};
    for (size_t i = 0; i < s->ntables; i++)
        for (size_t j = 0; j < sizeof suffixes / sizeof suffixes[0]; j++)
            add(types, mcc_arena_printf(g->arena, "%s%s", cg_type(g, s->tables[i]), suffixes[j]), "a type", NULL,
                none, false);
    for (size_t i = 0; i < s->nenums; i++)
        add(types, cg_enum_type(g, &s->enums[i]), "a type", NULL, none, false);
}

/* A field's or relationship's C name: see the head comment. */
static const char *member_c_name(cgen *g, const cg_names *types, const char *name)
{
    if (reserved_word(g->names, name) || runtime_prefix(name) || find(types, name))
        return mcc_arena_printf(g->arena, "%s_", name);
    return name;
}

static const char *type_c_name(cgen *g, const char *name)
{
    const char *full = mcc_arena_printf(g->arena, "%s%s", g->prefix, name);
    return reserved_word(g->names, full) || cg_is_local_name(full) ? mcc_arena_printf(g->arena, "%s_", full) : full;
}

/* A model's type: as an enum's, and `_row` appended when it would equal
 * its function prefix (a model named in snake case, `_4ts`, `user`), so
 * that the type `X_query` and the function `x_query` stay apart. */
static const char *model_c_name(cgen *g, const mcc_table *t)
{
    const char *type = type_c_name(g, t->model);
    if (strcmp(type, cg_fn(g, t)) == 0)
        return mcc_arena_printf(g->arena, "%s_row", type);
    return type;
}

const char *cg_long_text(cgen *g, const char *s)
{
    cg_names *t = g->names;
    const char *name;
    do
        name = mcc_arena_printf(g->arena, "%s_text_%u", cg_base_ident(g), ++t->ntexts);
    while (find(t, name));
    mcc_span none = {0, 0};
    add(t, name, "a long text", NULL, none, true);
    size_t n = strlen(s);
    mcc_buf *b = &t->texts;
    mcc_buf_printf(b, "/* %zu bytes: longer than the 4095 a C string literal may hold. */\n", n);
    mcc_buf_printf(b, "static const char %s[] = {", name);
    for (size_t i = 0; i <= n; i++) {
        unsigned char ch = (unsigned char)s[i];
        mcc_buf_put(b, i % 12 == 0 ? "\n    " : " ");
        if (ch == '\'' || ch == '\\')
            mcc_buf_printf(b, "'\\%c',", ch);
        else if (ch >= 0x20 && ch < 0x7f)
            mcc_buf_printf(b, "'%c',", ch);
        else
            mcc_buf_printf(b, "'\\%03o',", ch);
    }
    mcc_buf_put(b, "\n};\n\n");
    return name;
}

const char *cg_long_texts(const cgen *g)
{
    return g->names && g->names->texts.data ? g->names->texts.data : "";
}

void cg_long_texts_reset(cgen *g)
{
    if (g->names)
        mcc_buf_reset(&g->names->texts);
}

void cg_names_free(cgen *g)
{
    if (g->names)
        mcc_buf_free(&g->names->texts);
}

const char *cg_duplicate_definition(cgen *g, const char *source)
{
    cg_names seen = {0};
    seen.arena = g->arena;
    mcc_span none = {0, 0};
    for (const char *line = source; line && *line;) {
        const char *end = strchr(line, '\n');
        if (!end)
            break;
        bool one_liner = strncmp(line, "static inline ", 14) == 0 && end > line && end[-1] == '}';
        if (one_liner || (end[1] == '{' && end[2] == '\n' && line[0] != ' ' && line[0] != '/' && line[0] != '#')) {
            const char *paren = memchr(line, '(', (size_t)(end - line));
            const char *p = paren;
            while (p && p > line && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))
                p--;
            if (p && p < paren) {
                const char *name = mcc_arena_strndup(g->arena, p, (size_t)(paren - p));
                if (name && add(&seen, name, "a definition", NULL, none, false)) {
                    if (g->names)
                        g->names->duplicate = name;
                    return name;
                }
            }
        }
        line = end + 1;
    }
    return NULL;
}

const char *cg_last_duplicate(const cgen *g)
{
    return g->names && g->names->duplicate ? g->names->duplicate : "?";
}

bool cg_name_taken(const cgen *g, const char *name)
{
    return mcc_is_c_keyword(name) || find(g->names, name) != NULL;
}

const char *cg_base_ident(const cgen *g)
{
    const char *b = g->base ? g->base : "";
    if (isdigit((unsigned char)(g->prefix[0] ? g->prefix[0] : b[0])) || !b[0])
        return mcc_arena_printf(g->arena, "%sschema_%s", g->prefix, b);
    return mcc_arena_printf(g->arena, "%s%s", g->prefix, b);
}

const char *cg_guard(const cgen *g)
{
    char *guard = mcc_arena_printf(g->arena, "%s%s_MODELC_H", g->prefix, g->base ? g->base : "");
    for (char *p = guard; *p; p++)
        *p = isalnum((unsigned char)*p) ? (char)toupper((unsigned char)*p) : '_';
    if (!isalpha((unsigned char)guard[0]))
        return mcc_arena_printf(g->arena, "SCHEMA_%s", guard);
    return guard;
}

static void apply_rules(cgen *g, mcc_schema *s)
{
    for (size_t i = 0; i < s->ntables; i++)
        s->tables[i]->c_type = model_c_name(g, s->tables[i]);
    for (size_t i = 0; i < s->nenums; i++)
        s->enums[i].c_type = type_c_name(g, s->enums[i].name);
    cg_names types = {0};
    types.arena = g->arena;
    collect_types(g, s, &types);
    for (size_t i = 0; i < s->ntables; i++) {
        mcc_table *t = s->tables[i];
        for (size_t j = 0; j < t->ncolumns; j++)
            t->columns[j].field = member_c_name(g, &types, t->columns[j].field);
        for (size_t j = 0; j < t->nrels; j++)
            t->rels[j]->name = member_c_name(g, &types, t->rels[j]->name);
    }
}

int cg_names_build(cgen *g, mcc_schema *s, mcc_diag *diag)
{
    cg_names *t = mcc_arena_alloc(g->arena, sizeof *t);
    if (!t)
        return 1;
    memset(t, 0, sizeof *t);
    t->arena = g->arena;
    add_reserved(t);
    g->names = t;
    apply_rules(g, s);

    checker k = {g, t, diag, 0, NULL};
    mcc_span file = {0, 0};
    const char *base = cg_base_ident(g);
    const char *what = mcc_arena_printf(g->arena, "the schema file name '%s'", g->base ? g->base : "");
    global(&k, g, what, "the header guard", file, "rename the schema file", cg_guard(g));
    if (g->nmigrations) {
        global(&k, g, what, "the compiled-in migrations", file, "rename the schema file",
               mcc_arena_printf(g->arena, "%s_migrations", base));
        global(&k, g, what, "the migrate function", file, "rename the schema file",
               mcc_arena_printf(g->arena, "%s_migrate", base));
        global(&k, g, what, "the migrations-list function", file, "rename the schema file",
               mcc_arena_printf(g->arena, "%s_migrations_list", base));
    }
    for (size_t i = 0; i < s->nenums; i++)
        enum_names(&k, &s->enums[i]);
    for (size_t i = 0; i < s->ntables; i++) {
        model_names(&k, s->tables[i]);
        finder_names(&k, s->tables[i], FINDER_NAMES);
        member_names(&k, s->tables[i]);
    }
    for (size_t i = 0; i < s->ntables; i++)
        for (size_t j = 0; j < s->tables[i]->nrels; j++)
            relation_names(&k, s->tables[i]->rels[j]);
    for (size_t i = 0; i < s->nqueries; i++)
        query_names(&k, &s->queries[i]);
    for (size_t i = 0; i < s->ntables; i++)
        finder_names(&k, s->tables[i], FINDER_PARAMS);
    return k.errors;
}
