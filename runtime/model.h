/*
 * model.h -- what runtime/model_read.c, model_ops.c and model_lists.c
 * share: a member of a row by its column descriptor, enum values, the
 * refusal of a descriptor of another MC_MODEL_ABI.  Not installed; mci_
 * names as in internal.h.
 */
#ifndef MODELC_MODEL_H
#define MODELC_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "modelc.h"

/* The member of column c in row, and the byte at offset off of row. */
#define mci_member(row, c) ((void *)((char *)(row) + (c)->offset))
#define mci_member_at(row, off) ((void *)((char *)(row) + (off)))

/* An enum member's value (of the size the compiler gave the enum), set
 * it, and its text (NULL outside the enum's values: X_to_text). */
int mci_model_enum_get(const mc_model_col *c, const void *row);
void mci_model_enum_set(const mc_model_col *c, void *row, int v);
const char *mci_model_enum_text(const mc_model_col *c, int v);

/* The caller's typed out objects, written and read whole (modelc.h: an
 * X * slot, an X_list). */
static inline void mci_put_ptr(void *slot, void *p)
{
    memcpy(slot, &p, sizeof p);
}
static inline void mci_put_list(void *list, void *items, size_t count)
{
    mc_list l = {items, count};
    memcpy(list, &l, sizeof l);
}
static inline mc_list mci_get_list(const void *list)
{
    mc_list l;
    memcpy(&l, list, sizeof l);
    return l;
}

/* MC_MISUSE with a message: m was written for another MC_MODEL_ABI. */
int mci_model_abi_error(mc_db *db, const mc_model *m);

#endif
