/*
 * templates.h -- skeletons of generated files, embedded at build time from
 * templates/NAME.in (see templates/embed.c).  A skeleton is plain text with
 * {{NAME}} placeholders filled by mcc_template_render().
 */
#ifndef MCC_TEMPLATES_H
#define MCC_TEMPLATES_H

#include <stddef.h>

typedef struct mcc_template {
    const char *name;       /* "header.h" for templates/header.h.in */
    const char *text;
} mcc_template;

extern const mcc_template mcc_templates[];   /* ends with {NULL, NULL} */

/* The skeleton called name, or NULL. */
const char *mcc_template_get(const char *name);

struct mcc_buf;
/* Appends tpl to out with every {{KEY}} replaced by its value; vars is
 * {"KEY", "value", ..., NULL}.  An unknown key is copied as it is. */
void mcc_template_render(struct mcc_buf *out, const char *tpl, const char *const *vars);

#endif
