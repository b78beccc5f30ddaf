/*
 * arena.h -- bump allocator for everything the compiler builds from one
 * schema (AST, schema model, strings).  Freed in one call.
 */
#ifndef MC_ARENA_H
#define MC_ARENA_H

#include <stddef.h>

typedef struct mc_arena_block mc_arena_block;
typedef struct mc_arena {
    mc_arena_block *head;
} mc_arena;

/* Zeroed memory owned by the arena; NULL only when out of memory. */
void *mc_arena_alloc(mc_arena *a, size_t n);
/* Copies of strings, owned by the arena. */
char *mc_arena_strdup(mc_arena *a, const char *s);
char *mc_arena_strndup(mc_arena *a, const char *s, size_t n);
/* printf into arena memory. */
char *mc_arena_printf(mc_arena *a, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Frees every allocation; the arena is empty and reusable afterwards. */
void mc_arena_free(mc_arena *a);

#endif
