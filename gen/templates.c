/* templates.c -- lookup of the embedded skeletons. */
#include "templates.h"

#include <string.h>

const char *mc_template_get(const char *name)
{
    for (const mc_template *t = mc_templates; t->name; t++)
        if (strcmp(t->name, name) == 0)
            return t->text;
    return NULL;
}
