/*
 * arena.h -- bump allocator for everything the compiler builds from one
 * schema (AST, schema model, strings).  Freed in one call.
 */
#ifndef MCC_ARENA_H
#define MCC_ARENA_H

#include <stddef.h>

typedef struct mcc_arena_block mcc_arena_block;
typedef struct mcc_arena {
    mcc_arena_block *head;
} mcc_arena;

/* Zeroed memory owned by the arena; NULL only when out of memory. */
void *mcc_arena_alloc(mcc_arena *a, size_t n);
/* Copies of strings, owned by the arena. */
char *mcc_arena_strdup(mcc_arena *a, const char *s);
char *mcc_arena_strndup(mcc_arena *a, const char *s, size_t n);
/* printf into arena memory. */
char *mcc_arena_printf(mcc_arena *a, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/*
 * Growable arrays in the arena: appends one zeroed element of size sz to
 * the array *arr_p points to (a `T *`, count *n, capacity *cap), doubling
 * the capacity when full, and returns the new element; NULL when out of
 * memory (the array is then unchanged).  Old copies stay in the arena
 * until it is freed, so a pointer into the array is valid only until the
 * next push.  MCC_ARENA_PUSH(a, v, n, cap) passes sizeof *v:
 *     mcc_column *c = MCC_ARENA_PUSH(arena, t->columns, t->ncolumns, cap);
 */
void *mcc_arena_push(mcc_arena *a, void *arr_p, size_t *n, size_t *cap, size_t sz);
#define MCC_ARENA_PUSH(a, v, n, cap) mcc_arena_push((a), &(v), &(n), &(cap), sizeof *(v))

/* Frees every allocation; the arena is empty and reusable afterwards. */
void mcc_arena_free(mcc_arena *a);

/* ---- a string-keyed hash map in the arena ------------------------------
 * Made for at most n keys (open addressing, never resized, nothing
 * removed): name lookups in schemas of 100,000 models stay linear.  The
 * map keeps the key pointers, not copies.  An allocation failure leaves
 * the map empty (cap 0): every get is NULL, every put does nothing. */
typedef struct mcc_strmap {
    size_t cap;             /* a power of two, or 0 when allocation failed */
    const char **keys;
    void **vals;
} mcc_strmap;

void mcc_strmap_init(mcc_strmap *m, mcc_arena *a, size_t n);
/* The value stored under key, or NULL (also for a NULL key). */
void *mcc_strmap_get(const mcc_strmap *m, const char *key);
/* Stores val under key unless the key is there already: the first value
 * put under a key stays. */
void mcc_strmap_put(mcc_strmap *m, const char *key, void *val);

#endif
