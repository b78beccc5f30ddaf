/* arena.c -- see arena.h. */
#include "arena.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mcc_arena_block {
    mcc_arena_block *next;
    size_t used, size;
    max_align_t data[];
};

#define MCC_ARENA_BLOCK (64u * 1024u)

void *mcc_arena_alloc(mcc_arena *a, size_t n)
{
    size_t align = sizeof(max_align_t);
    n = (n + align - 1) / align * align;
    if (n == 0)
        n = align;
    mcc_arena_block *b = a->head;
    if (!b || b->size - b->used < n) {
        size_t size = n > MCC_ARENA_BLOCK ? n : MCC_ARENA_BLOCK;
        b = malloc(sizeof *b + size);
        if (!b)
            return NULL;
        b->size = size;
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

char *mcc_arena_strndup(mcc_arena *a, const char *s, size_t n)
{
    char *p = mcc_arena_alloc(a, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

char *mcc_arena_strdup(mcc_arena *a, const char *s)
{
    return mcc_arena_strndup(a, s, strlen(s));
}

char *mcc_arena_printf(mcc_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *p = mcc_arena_alloc(a, (size_t)n + 1);
    if (!p)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void *mcc_arena_push(mcc_arena *a, void *arr_p, size_t *n, size_t *cap, size_t sz)
{
    void *arr;
    memcpy(&arr, arr_p, sizeof arr);    /* *arr_p is a T *, read as the void * it converts to */
    if (*n == *cap || !arr) {
        size_t ncap = *cap && arr ? *cap * 2 : 4;
        if (ncap < *n + 1)
            ncap = *n + 1;
        void *p = mcc_arena_alloc(a, ncap * sz);
        if (!p)
            return NULL;
        if (arr && *n)
            memcpy(p, arr, *n * sz);
        arr = p;
        memcpy(arr_p, &arr, sizeof arr);
        *cap = ncap;
    }
    void *slot = (char *)arr + (*n)++ * sz;
    memset(slot, 0, sz);
    return slot;
}

void mcc_arena_free(mcc_arena *a)
{
    mcc_arena_block *b = a->head;
    while (b) {
        mcc_arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
}

/* FNV-1a: short keys, no attacker in a schema file's own names. */
static size_t hash_str(const char *s)
{
    size_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

void mcc_strmap_init(mcc_strmap *m, mcc_arena *a, size_t n)
{
    size_t cap = 16;
    while (cap < 2 * n + 1)
        cap *= 2;
    m->keys = mcc_arena_alloc(a, cap * sizeof *m->keys);
    m->vals = mcc_arena_alloc(a, cap * sizeof *m->vals);
    m->cap = m->keys && m->vals ? cap : 0;
}

void *mcc_strmap_get(const mcc_strmap *m, const char *key)
{
    if (!m->cap || !key)
        return NULL;
    for (size_t i = hash_str(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        if (!m->keys[i])
            return NULL;
        if (strcmp(m->keys[i], key) == 0)
            return m->vals[i];
    }
}

void mcc_strmap_put(mcc_strmap *m, const char *key, void *val)
{
    if (!m->cap || !key)
        return;
    for (size_t i = hash_str(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        if (!m->keys[i]) {
            m->keys[i] = key;
            m->vals[i] = val;
            return;
        }
        if (strcmp(m->keys[i], key) == 0)
            return;
    }
}
