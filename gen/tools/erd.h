/*
 * erd.h -- an entity-relationship diagram of a schema, as Graphviz DOT
 * (`modelc erd`).
 *
 * One node per model: its table name, and a row per column with its SQL
 * type and marks (PK, FK, UNIQUE, NOT NULL).  One edge per foreign key,
 * from the referencing column to the referenced one, with crow's-foot
 * ends for its cardinality: at the referencing side a crow (zero or many)
 * or, for a unique key, a bar (zero or one); at the referenced side a
 * double bar (exactly one) for a NOT NULL key, else a bar and a circle
 * (zero or one).  Edges carry the relationships declared over them
 * ("User.posts / Post.author"); a many-to-many runs through its
 * association table, whose two edges both name it.  Every piece of schema
 * text is escaped for DOT.
 */
#ifndef MCC_ERD_H
#define MCC_ERD_H

#include "buf.h"
#include "schema.h"

/* Appends the whole diagram of s to b. */
void mcc_erd_dot(mcc_buf *b, const mcc_schema *s);

#endif
