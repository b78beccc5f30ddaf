/*
 * eager.c -- eager loading of a relationship for a whole list (the
 * generated X_list_load_<rel>; SQLAlchemy's selectinload).
 *
 * The list's keys go into one statement as a JSON array bound to ?1
 * ("... WHERE key IN (SELECT value FROM json_each(?1))"): one text, one
 * cached prepared statement whatever the number of keys, and no limit on
 * host parameters.  Each result row's key is mapped back to the list's
 * positions through a hash of key -> first position plus a chain of
 * positions sharing a key (a list may hold the same row twice).  Keys are
 * integers or, for String/Text keys, text (one kind per mc_eager); text
 * keys are the caller's strings, not copied, compared byte for byte as
 * SQLite's BINARY collation does.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"

typedef struct slot {
    int64_t key;
    const char *text;   /* a text key (the caller's), or NULL */
    size_t first;       /* MC_EAGER_NONE: empty slot */
} slot;

struct mc_eager {
    mc_db *db;
    const char *table;
    size_t n;
    size_t *next;       /* next[pos]: the next position with the same key */
    size_t *last;       /* per slot: the chain's last position (appending) */
    slot *slots;
    size_t cap;         /* a power of two >= 2 * n */
    char *json;         /* "[1,2,3]": the distinct keys */
    size_t len, jcap;
    size_t nkeys;
    mc_stmt *st;
    int text_keys;      /* the keys are text (mc_eager_key_text) */
};

static uint64_t mix(int64_t key)   /* splitmix64's finalizer */
{
    uint64_t x = (uint64_t)key;
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9u;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebu;
    return x ^ (x >> 31);
}

static size_t find_text(const mc_eager *e, const char *key)
{
    size_t i = (size_t)mix((int64_t)mci_fnv1a(key, strlen(key))) & (e->cap - 1);
    while (e->slots[i].first != MC_EAGER_NONE && strcmp(e->slots[i].text, key) != 0)
        i = (i + 1) & (e->cap - 1);
    return i;
}

static size_t find(const mc_eager *e, int64_t key)
{
    size_t i = (size_t)mix(key) & (e->cap - 1);
    while (e->slots[i].first != MC_EAGER_NONE && e->slots[i].key != key)
        i = (i + 1) & (e->cap - 1);
    return i;
}

mc_eager *mc_eager_new(mc_db *db, size_t n, const char *table)
{
    mc_eager *e = calloc(1, sizeof *e);
    size_t cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    if (e) {
        e->db = db;
        e->table = table;
        e->n = n;
        e->cap = cap;
        e->next = malloc((n ? n : 1) * sizeof *e->next);
        e->slots = malloc(cap * sizeof *e->slots);
        e->last = malloc(cap * sizeof *e->last);
        e->jcap = 16 + n * 8;
        e->json = malloc(e->jcap);
    }
    if (!e || !e->next || !e->slots || !e->last || !e->json) {
        mc_eager_free(e);
        mc_set_error(db, MC_NOMEM, "%s: out of memory loading related rows", table);
        return NULL;
    }
    for (size_t i = 0; i < cap; i++)
        e->slots[i].first = MC_EAGER_NONE;
    e->json[e->len++] = '[';
    return e;
}

/* Room for n more bytes of JSON and the closing ']'. */
static int reserve(mc_eager *e, size_t n)
{
    if (e->len + n + 2 <= e->jcap)
        return MC_OK;
    size_t ncap = e->jcap * 2;
    while (ncap < e->len + n + 2)
        ncap *= 2;
    char *p = realloc(e->json, ncap);
    if (!p)
        return mc_set_error(e->db, MC_NOMEM, "%s: out of memory loading related rows", e->table);
    e->json = p;
    e->jcap = ncap;
    return MC_OK;
}

/* Appends ,"<key>" (no comma for the first) as a JSON string: quote,
 * backslash and control bytes escaped, other bytes as they are. */
static int add_json_text(mc_eager *e, const char *key)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = strlen(key);
    if (n > (SIZE_MAX - 8) / 6 || reserve(e, 6 * n + 3) != MC_OK)
        return mc_set_error(e->db, MC_NOMEM, "%s: out of memory loading related rows", e->table);
    if (e->nkeys++)
        e->json[e->len++] = ',';
    e->json[e->len++] = '"';
    for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
        if (*p == '"' || *p == '\\') {
            e->json[e->len++] = '\\';
            e->json[e->len++] = (char)*p;
        } else if (*p < 0x20) {
            memcpy(e->json + e->len, "\\u00", 4);
            e->len += 4;
            e->json[e->len++] = hex[*p >> 4];
            e->json[e->len++] = hex[*p & 15];
        } else {
            e->json[e->len++] = (char)*p;
        }
    }
    e->json[e->len++] = '"';
    return MC_OK;
}

/* Appends ,<key> (no comma for the first) to the JSON array. */
static int add_json(mc_eager *e, int64_t key)
{
    if (reserve(e, 24) != MC_OK)
        return MC_NOMEM;
    char digits[24];
    size_t k = 0;
    uint64_t u = key < 0 ? 0 - (uint64_t)key : (uint64_t)key;
    do {
        digits[k++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (e->nkeys++)
        e->json[e->len++] = ',';
    if (key < 0)
        e->json[e->len++] = '-';
    while (k)
        e->json[e->len++] = digits[--k];
    return MC_OK;
}

int mc_eager_key(mc_eager *e, size_t pos, int64_t key)
{
    if (!e || pos >= e->n)
        return e ? mc_set_error(e->db, MC_MISUSE, "mc_eager_key: position %zu of %zu", pos, e->n) : MC_MISUSE;
    size_t i = find(e, key);
    e->next[pos] = MC_EAGER_NONE;
    if (e->slots[i].first == MC_EAGER_NONE) {
        int rc = add_json(e, key);
        if (rc != MC_OK)
            return rc;
        e->slots[i].key = key;
        e->slots[i].first = pos;
    } else {
        e->next[e->last[i]] = pos;
    }
    e->last[i] = pos;
    return MC_OK;
}

int mc_eager_key_text(mc_eager *e, size_t pos, const char *key)
{
    if (!e || pos >= e->n || !key)
        return e ? mc_set_error(e->db, MC_MISUSE, "mc_eager_key_text: position %zu of %zu", pos, e->n) : MC_MISUSE;
    size_t i = find_text(e, key);
    e->next[pos] = MC_EAGER_NONE;
    if (e->slots[i].first == MC_EAGER_NONE) {
        e->text_keys = 1;
        int rc = add_json_text(e, key);
        if (rc != MC_OK)
            return rc;
        e->slots[i].text = key;
        e->slots[i].first = pos;
    } else {
        e->next[e->last[i]] = pos;
    }
    e->last[i] = pos;
    return MC_OK;
}

/* PostgreSQL has no json_each: the generated "IN (SELECT value FROM
 * json_each(?))" becomes "IN (SELECT value::bigint FROM
 * json_array_elements_text(?::json))" (no cast for text keys), bound to
 * the same JSON array.  malloc'd; NULL when out of memory or when sql has
 * no such subquery (then it runs as written). */
static char *pg_keys_sql(const mc_eager *e, const char *sql)
{
    static const char from[] = "SELECT value FROM json_each(?)";
    const char *to = e->text_keys ? "SELECT value FROM json_array_elements_text(?::json)"
                                  : "SELECT value::bigint FROM json_array_elements_text(?::json)";
    const char *at = strstr(sql, from);
    size_t head, n;
    char *out;

    if (!at)
        return NULL;
    head = (size_t)(at - sql);
    n = strlen(sql) - (sizeof from - 1) + strlen(to);
    if (!(out = malloc(n + 1)))
        return NULL;
    memcpy(out, sql, head);
    strcpy(out + head, to);
    strcat(out, at + sizeof from - 1);
    return out;
}

int mc_eager_run(mc_eager *e, const char *sql, mc_stmt **st)
{
    *st = NULL;
    if (!e)
        return MC_MISUSE;
    if (e->nkeys == 0)
        return MC_DONE;     /* nothing to load: no statement at all */
    e->json[e->len] = ']';
    e->json[e->len + 1] = '\0';   /* room for both is kept by the appends */
    char *pg = mc_db_engine(e->db) == MC_ENGINE_POSTGRESQL ? pg_keys_sql(e, sql) : NULL;
    e->st = pg ? mc_stmt_prepare_text(e->db, pg) : mc_stmt_prepare(e->db, sql);
    free(pg);
    if (!e->st)
        return mc_errcode(e->db);
    int rc = mc_stmt_bind_text_n(e->st, 1, e->json, (int)e->len + 1);
    if (rc != MC_RC_OK)
        return mc_status_from_rc(e->db, rc, e->table);
    *st = e->st;
    return MC_OK;
}


int mc_eager_step(mc_eager *e)
{
    if (!e || !e->st)
        return MC_MISUSE;
    int rc = mc_stmt_step_flags(e->st, MC_STEP_WHOLE);  /* every row goes into the lists */
    if (rc == MC_RC_ROW)
        return MC_OK;
    if (rc == MC_RC_DONE)
        return MC_DONE;
    return mc_status_from_rc(e->db, rc, e->table);
}

size_t mc_eager_first(const mc_eager *e, int64_t key)
{
    return e->slots[find(e, key)].first;
}

size_t mc_eager_first_text(const mc_eager *e, const char *key)
{
    return key ? e->slots[find_text(e, key)].first : MC_EAGER_NONE;
}

size_t mc_eager_next(const mc_eager *e, size_t pos)
{
    return e->next[pos];
}

void mc_eager_free(mc_eager *e)
{
    if (!e)
        return;
    if (e->st)
        mc_stmt_release(e->db, e->st);
    free(e->next);
    free(e->slots);
    free(e->last);
    free(e->json);
    free(e);
}

void *mc_list_grow(mc_db *db, void *items, size_t count, size_t size)
{
    /* 8 first: most lists of related rows are short, and one allocation
     * holds them. */
    if (count == 0 || (count >= 8 && (count & (count - 1)) == 0)) {
        size_t ncap = count ? count * 2 : 8;
        void *p = ncap <= SIZE_MAX / size ? realloc(items, ncap * size) : NULL;
        if (!p) {
            mc_set_error(db, MC_NOMEM, "out of memory growing a list of %zu rows", count);
            return NULL;
        }
        items = p;
    }
    memset((char *)items + count * size, 0, size);
    return items;
}
