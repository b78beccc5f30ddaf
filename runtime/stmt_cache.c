/*
 * stmt_cache.c -- prepared statements kept for the life of the connection.
 *
 * Generated code asks for the same few dozen SQL literals over and over,
 * so the fast path is one probe of a small open-addressing table keyed by
 * the literal's address.  A miss falls back to the text (hash, then
 * strcmp), which also catches an equal literal at another address (two
 * translation units) and SQL built at run time; the new address is then
 * remembered as an alias.  Statements for one text form a chain so that a
 * query can be nested inside a loop over itself.
 *
 * The hottest path (generated code: mc_stmt_prepare of a literal seen
 * before, then mc_stmt_release) costs one probe of a direct-mapped table
 * and a flag each way.  mc_stmt_release resets without clearing the
 * bindings, since every caller of the mc_stmt calls binds every parameter
 * anyway; the older mc_prepare, whose statements come back with no
 * bindings, clears them when it lends a statement released that way.
 */
#include <stdlib.h>
#include <string.h>

#include "driver.h"

#define MAX_CHAIN 64    /* unreleased statements for one text: a leak */

uint64_t mci_fnv1a(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t h = 0xcbf29ce484222325u;
    size_t i;

    for (i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3u;
    }
    return h;
}

/* ---- map ----------------------------------------------------------------- */

static size_t mix(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdu;
    k ^= k >> 33;
    return (size_t)k;
}

/* Makes room for one more key; the only step that can fail. */
static int map_reserve(mci_map *m)
{
    size_t ncap, i, j;
    uint64_t *nk;
    int *nv;

    if ((m->used + 1) * 2 <= m->cap)
        return MC_OK;
    ncap = m->cap ? m->cap * 2 : 16;
    nk = calloc(ncap, sizeof *nk);
    nv = malloc(ncap * sizeof *nv);
    if (!nk || !nv) {
        free(nk);
        free(nv);
        return MC_NOMEM;
    }
    for (j = 0; j < m->cap; j++) {
        if (!m->keys[j])
            continue;
        for (i = mix(m->keys[j]) & (ncap - 1); nk[i]; i = (i + 1) & (ncap - 1))
            ;
        nk[i] = m->keys[j];
        nv[i] = m->vals[j];
    }
    free(m->keys);
    free(m->vals);
    m->keys = nk;
    m->vals = nv;
    m->cap = ncap;
    return MC_OK;
}

/* After map_reserve: cannot fail.  The table stays at most half full, so
 * every probe sequence reaches an empty slot. */
static void map_put(mci_map *m, uint64_t key, int val)
{
    size_t i;

    for (i = mix(key) & (m->cap - 1); m->keys[i]; i = (i + 1) & (m->cap - 1))
        ;
    m->keys[i] = key;
    m->vals[i] = val;
    m->used++;
}

/* Walks the values stored under key: start with *pos = 0 (the number of
 * probes already made); returns -1 when there are no more. */
static int map_next(const mci_map *m, uint64_t key, size_t *pos)
{
    size_t mask, i;

    if (!m->cap)
        return -1;
    mask = m->cap - 1;
    for (i = *pos; i < m->cap; i++) {
        size_t j = (mix(key) + i) & mask;
        if (!m->keys[j])
            return -1;
        if (m->keys[j] == key) {
            *pos = i + 1;
            return m->vals[j];
        }
    }
    return -1;
}

static void map_free(mci_map *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

static uint64_t ptr_key(const void *p)
{
    return (uint64_t)(uintptr_t)p;  /* never 0: the pointers are not NULL */
}

static uint64_t text_key(const char *sql)
{
    return mci_fnv1a(sql, strlen(sql)) | 1;   /* 0 marks an empty slot */
}

/* ---- cache --------------------------------------------------------------- */

void mci_cache_free(mc_db *db)
{
    mci_cache *c = &db->cache;
    size_t i;

    for (i = 0; i < c->n; i++) {
        db->driver->finalize(c->slots[i].h);
        free(c->slots[i].h);
        free(c->slots[i].text);
    }
    free(c->slots);
    for (i = 0; i < c->nshapes; i++) {
        free((void *)c->shapes[i].key.where);
        free((void *)c->shapes[i].key.order);
    }
    free(c->shapes);
    map_free(&c->by_ptr);
    map_free(&c->by_text);
    map_free(&c->by_stmt);
    map_free(&c->by_shape);
    memset(c, 0, sizeof *c);
}

/* Prepares sql into a new slot chained after `prev` (-1: a new head),
 * through the connection's driver; a later link of a chain shares the
 * head's server-side statement.  Everything that can fail happens before
 * the cache is touched. */
static int new_slot(mc_db *db, const char *sql, int prev, int flags, int *out)
{
    mci_cache *c = &db->cache;
    mci_stmt *h;
    char *copy = NULL;
    int rc, idx;

    if (c->n == c->cap) {
        size_t ncap = c->cap ? c->cap * 2 : 16;
        mci_slot *ns = realloc(c->slots, ncap * sizeof *ns);
        if (!ns)
            return mc_set_error(db, MC_NOMEM, "out of memory caching a statement");
        c->slots = ns;
        c->cap = ncap;
    }
    if (map_reserve(&c->by_stmt) != MC_OK || (prev < 0 && map_reserve(&c->by_text) != MC_OK))
        return mc_set_error(db, MC_NOMEM, "out of memory caching a statement");
    if (!(h = calloc(1, sizeof *h)))
        return mc_set_error(db, MC_NOMEM, "out of memory caching a statement");
    if (prev < 0) {
        size_t len = strlen(sql);
        if (!(copy = malloc(len + 1))) {
            free(h);
            return mc_set_error(db, MC_NOMEM, "out of memory caching a statement");
        }
        memcpy(copy, sql, len + 1);
    }
    h->db = db;
    h->flags = prev < 0 ? flags : c->slots[prev].h->flags;
    rc = db->driver->prepare(db, sql, h, prev < 0 ? NULL : c->slots[prev].h);
    if (rc != MC_OK) {
        free(copy);
        free(h);
        return rc;
    }

    idx = (int)c->n++;
    h->slot = idx;
    c->slots[idx].h = h;
    c->slots[idx].text = copy;
    c->slots[idx].next = -1;
    c->slots[idx].out = 0;
    c->slots[idx].bound = 0;
    if (h->pub.lite)
        map_put(&c->by_stmt, ptr_key(h->pub.lite), idx);
    if (prev < 0)
        map_put(&c->by_text, text_key(sql), idx);
    else
        c->slots[prev].next = idx;
    *out = idx;
    return MC_OK;
}

/* The head slot for sql's text, or -1. */
static int find_text(const mci_cache *c, const char *sql)
{
    uint64_t key = text_key(sql);
    size_t pos = 0;
    int head;

    while ((head = map_next(&c->by_text, key, &pos)) >= 0)
        if (strcmp(c->slots[head].text, sql) == 0)
            return head;
    return -1;
}

/* A free statement on the chain from head, growing the chain if all are
 * checked out. */
static mci_stmt *checkout(mc_db *db, int head, const char *sql)
{
    mci_cache *c = &db->cache;
    int i = head, last = head, len = 0;

    for (; i >= 0; last = i, i = c->slots[i].next, len++) {
        if (!c->slots[i].out) {
            c->slots[i].out = 1;
            c->last_out = c->slots[i].h;
            c->last_slot = i;
            return c->slots[i].h;
        }
    }
    if (len >= MAX_CHAIN) {
        char line[120];
        mci_first_line(sql, line, sizeof line);
        mc_set_error(db, MC_MISUSE,
                     "mc_prepare: %d statements for \"%s\" are in use; is an mc_release missing?",
                     len, line);
        return NULL;
    }
    if (new_slot(db, c->slots[head].text, last, 0, &i) != MC_OK)
        return NULL;
    c->slots[i].out = 1;
    c->last_out = c->slots[i].h;
    c->last_slot = i;
    return c->slots[i].h;
}

/* The slot of the direct-mapped table for a literal's address.  Literals
 * lie a few dozen bytes apart: the bits above the lowest four tell them
 * apart. */
static size_t hot_index(const char *sql)
{
    uintptr_t p = (uintptr_t)sql;
    return (size_t)((p >> 4) ^ (p >> 10)) & (MCI_HOT - 1);
}

/* The fast path of mc_stmt_prepare: the head statement of a literal seen
 * before, when it is free.  NULL sends the caller to prepare(), which
 * also checks the connection (an unusable one has nothing cached). */
static mci_stmt *hot_checkout(mc_db *db, const char *sql)
{
    mci_cache *c = &db->cache;
    const mci_hot *e = &c->hot[hot_index(sql)];
    mci_slot *s;

    if (e->sql != sql || !sql)
        return NULL;
    s = &c->slots[e->head];
    if (s->out)
        return NULL;    /* nested: the chain has the others */
    s->out = 1;
    c->last_out = s->h;
    c->last_slot = e->head;
    return s->h;
}

/* The statement for sql, checked out; *head_out (may be NULL) gets its
 * chain's head slot.  flags (MCI_STMT_*) apply when the text is new. */
static mci_stmt *prepare(mc_db *db, const char *sql, int by_address, int flags, int *head_out)
{
    mci_cache *c;
    size_t pos = 0;
    int head;

    if (mci_usable(db, "mc_prepare") != MC_OK)
        return NULL;
    if (!sql) {
        mc_set_error(db, MC_MISUSE, "mc_prepare: sql is NULL");
        return NULL;
    }
    c = &db->cache;
    if (by_address && (head = map_next(&c->by_ptr, ptr_key(sql), &pos)) >= 0) {
        c->hot[hot_index(sql)].sql = sql;
        c->hot[hot_index(sql)].head = head;
        return checkout(db, head, sql);
    }

    head = find_text(c, sql);
    if (head < 0) {
        if (new_slot(db, sql, -1, flags, &head) != MC_OK)
            return NULL;
    }
    /* Remember the address; failing to is only a lost shortcut. */
    if (by_address && map_reserve(&c->by_ptr) == MC_OK) {
        map_put(&c->by_ptr, ptr_key(sql), head);
        c->hot[hot_index(sql)].sql = sql;
        c->hot[hot_index(sql)].head = head;
    }
    if (head_out)
        *head_out = head;
    return checkout(db, head, sql);
}

/* The sqlite3_stmt API is SQLite's alone: on PostgreSQL it refuses.  Its
 * statements come back with no bindings. */
static sqlite3_stmt *prepare_lite(mc_db *db, const char *sql, int by_address)
{
    mci_stmt *h;

    if (db && db->pg) {
        mc_set_error(db, MC_MISUSE, "mc_prepare: a PostgreSQL connection has no sqlite3_stmt; use mc_stmt_prepare");
        return NULL;
    }
    h = prepare(db, sql, by_address, 0, NULL);
    if (!h)
        return NULL;
    if (db->cache.slots[h->slot].bound) {
        sqlite3_clear_bindings(h->pub.lite);
        db->cache.slots[h->slot].bound = 0;
    }
    return h->pub.lite;
}

sqlite3_stmt *mc_prepare(mc_db *db, const char *sql)
{
    return prepare_lite(db, sql, 1);
}

sqlite3_stmt *mc_prepare_text(mc_db *db, const char *sql)
{
    return prepare_lite(db, sql, 0);
}

mc_stmt *mc_stmt_prepare(mc_db *db, const char *sql)
{
    mci_stmt *h = db ? hot_checkout(db, sql) : NULL;
    if (!h)
        h = prepare(db, sql, 1, 0, NULL);
    return h ? &h->pub : NULL;
}

mc_stmt *mc_stmt_prepare_text(mc_db *db, const char *sql)
{
    mci_stmt *h = prepare(db, sql, 0, 0, NULL);
    return h ? &h->pub : NULL;
}

mc_stmt *mc_stmt_prepare_insert(mc_db *db, const char *sql)
{
    mci_stmt *h = db ? hot_checkout(db, sql) : NULL;
    if (!h)
        h = prepare(db, sql, 1, MCI_STMT_RETURNS_ID, NULL);
    return h ? &h->pub : NULL;
}

/* ---- query shapes ---------------------------------------------------------- */

/* The shape's map key: its table, result columns and paging, and the
 * key query.c kept while recording the predicates (which same_shape compares). */
static uint64_t shape_hash(const mci_shape *k)
{
    uint64_t h = ptr_key(k->meta) ^ (ptr_key(k->what) * 31u) ^ ((uint64_t)k->flags << 56);
    return ((uint64_t)mix(h ^ (k->key * 0x9e3779b97f4a7c15u)) << 1) | 1;
}

/* Are the n bytes at a and b equal?  A word at a time: the records are a
 * few words long, shorter than a call to memcmp costs. */
static int same_bytes(const void *a, const void *b, size_t n)
{
    const unsigned char *p = a, *q = b;
    size_t i = 0;
    for (; i + sizeof(uint64_t) <= n; i += sizeof(uint64_t)) {
        uint64_t x, y;
        memcpy(&x, p + i, sizeof x);
        memcpy(&y, q + i, sizeof y);
        if (x != y)
            return 0;
    }
    return i == n || memcmp(p + i, q + i, n - i) == 0;
}

static int same_shape(const mci_shape *a, const mci_shape *b)
{
    return a->meta == b->meta && a->what == b->what && a->flags == b->flags && a->wlen == b->wlen &&
           a->olen == b->olen && same_bytes(a->where, b->where, a->wlen) &&
           same_bytes(a->order, b->order, a->olen);
}

/* A shape's entry in the direct-mapped table (the first probe). */
static int *hot_shape(mci_cache *c, uint64_t hash)
{
    return &c->hot_shape[(hash >> 1) & (MCI_HOT - 1)];
}

mc_stmt *mci_checkout_head(mc_db *db, int head)
{
    mci_cache *c = &db->cache;
    mci_stmt *h;

    if ((!db->handle && !db->pg) || head < 0 || (size_t)head >= c->n)
        return NULL;    /* nothing usable: prepare says why */
    if (!c->slots[head].out) {     /* the chain's head is free: the common case */
        c->slots[head].out = 1;
        c->last_out = c->slots[head].h;
        c->last_slot = head;
        return &c->slots[head].h->pub;
    }
    h = checkout(db, head, c->slots[head].text);
    return h ? &h->pub : NULL;
}

/* A shape seen before: its statement, checked out.  One probe of the
 * direct-mapped table, then the map. */
mc_stmt *mci_prepare_shape(mc_db *db, const mci_shape *k, int *head)
{
    mci_cache *c = &db->cache;
    uint64_t key;
    size_t pos = 0;
    int i;

    *head = -1;
    if (!c->nshapes || (!db->handle && !db->pg))
        return NULL;    /* nothing seen, or nothing usable: prepare says why */
    key = shape_hash(k);
    i = *hot_shape(c, key) - 1;
    if (i < 0 || c->shapes[i].hash != key || !same_shape(&c->shapes[i].key, k)) {
        while ((i = map_next(&c->by_shape, key, &pos)) >= 0)
            if (same_shape(&c->shapes[i].key, k))
                break;
        if (i < 0)
            return NULL;
        *hot_shape(c, key) = i + 1;
    }
    *head = c->shapes[i].head;
    return mci_checkout_head(db, *head);
}

/* A malloc'd copy of n bytes plus a NUL ("" for none); NULL when out of memory. */
static char *copy_n(const void *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        if (n)
            memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

mc_stmt *mci_prepare_shape_text(mc_db *db, const mci_shape *k, const char *sql, int *headp)
{
    mci_cache *c = &db->cache;
    int head = -1;
    mci_stmt *h = prepare(db, sql, 0, 0, &head);
    mc_stmt *st = h ? &h->pub : NULL;
    char *w, *o;

    *headp = st ? head : -1;
    if (!st || head < 0)
        return st;
    if (c->nshapes == c->capshapes) {
        size_t ncap = c->capshapes ? 2 * c->capshapes : 16;
        mci_shape_entry *v = realloc(c->shapes, ncap * sizeof *v);
        if (!v)
            return st;
        c->shapes = v;
        c->capshapes = ncap;
    }
    if (map_reserve(&c->by_shape) != MC_OK)
        return st;
    w = copy_n(k->where, k->wlen);
    o = copy_n(k->order, k->olen);
    if (!w || !o) {
        free(w);
        free(o);
        return st;
    }
    c->shapes[c->nshapes].key = *k;
    c->shapes[c->nshapes].key.where = w;
    c->shapes[c->nshapes].key.order = o;
    c->shapes[c->nshapes].hash = shape_hash(k);
    c->shapes[c->nshapes].head = head;
    map_put(&c->by_shape, c->shapes[c->nshapes].hash, (int)c->nshapes);
    *hot_shape(c, c->shapes[c->nshapes].hash) = (int)c->nshapes + 1;
    c->nshapes++;
    return st;
}

void mc_release(mc_db *db, sqlite3_stmt *stmt)
{
    size_t pos = 0;
    int i;

    if (!stmt)
        return;
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);   /* no pointer to caller memory stays */
    if (!db)
        return;
    /* Most statements go back right after they were taken. */
    if (db->cache.last_out && stmt == db->cache.last_out->pub.lite) {
        db->cache.slots[db->cache.last_slot].out = 0;
        db->cache.slots[db->cache.last_slot].bound = 0;
        db->cache.last_out = NULL;
        return;
    }
    i = map_next(&db->cache.by_stmt, ptr_key(stmt), &pos);
    if (i >= 0) {
        db->cache.slots[i].out = 0;
        db->cache.slots[i].bound = 0;
    }
}

void mc_stmt_release(mc_db *db, mc_stmt *st)
{
    (void)db;   /* the statement knows its connection */
    if (st)
        mci_stmt_give_back((mci_stmt *)st);
}

int mc_step(mc_db *db, sqlite3_stmt *stmt, const char *context)
{
    int rc;

    if (!stmt)
        return db ? mc_set_error(db, MC_MISUSE, "mc_step: statement is NULL") : MC_MISUSE;
    rc = sqlite3_step(stmt);
    return mc_status_from_sqlite(db, rc, context);
}
