/*
 * templates.h -- skeletons of generated files, embedded at build time from
 * templates/NAME.in (see templates/embed.c).  A skeleton is plain text with
 * {{NAME}} placeholders filled by mc_template_render().
 */
#ifndef MC_TEMPLATES_H
#define MC_TEMPLATES_H

#include <stddef.h>

typedef struct mc_template {
    const char *name;       /* "header.h" for templates/header.h.in */
    const char *text;
} mc_template;

extern const mc_template mc_templates[];   /* ends with {NULL, NULL} */

/* The skeleton called name, or NULL. */
const char *mc_template_get(const char *name);

struct mc_buf;
/* Appends tpl to out with every {{KEY}} replaced by its value; vars is
 * {"KEY", "value", ..., NULL}.  An unknown key is copied as it is. */
void mc_template_render(struct mc_buf *out, const char *tpl, const char *const *vars);

#endif
