/*
 * fmt.h -- the canonical layout of a schema file (`modelc fmt`).
 *
 * The layout is decided from the syntax tree and the comments' spans
 * (mcc_parse_with_comments); every token's text is copied from the source,
 * so strings, numbers and names keep their spelling, and a declaration
 * the formatter does not lay out itself (a `query`, whose SQL is kept byte
 * for byte) is copied as written.
 */
#ifndef MCC_FMT_H
#define MCC_FMT_H

#include "ast.h"
#include "buf.h"
#include "diag.h"
#include "parse.h"

/* Writes src, laid out canonically, into out.  src must have parsed
 * without error into ast, with its comments in comments.  Returns 0, or -1
 * when out of memory (out->failed). */
int mcc_fmt(const mcc_source *src, const mcc_ast *ast, const mcc_comments *comments, mcc_buf *out);

#endif
