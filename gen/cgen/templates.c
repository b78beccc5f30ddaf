/* templates.c -- lookup of the embedded skeletons. */
#include "templates.h"

#include <string.h>

#include "buf.h"

const char *mc_template_get(const char *name)
{
    for (const mc_template *t = mc_templates; t->name; t++)
        if (strcmp(t->name, name) == 0)
            return t->text;
    return NULL;
}

void mc_template_render(mc_buf *out, const char *tpl, const char *const *vars)
{
    const char *p = tpl;
    while (*p) {
        const char *open = strstr(p, "{{");
        if (!open) {
            mc_buf_put(out, p);
            return;
        }
        mc_buf_putn(out, p, (size_t)(open - p));
        const char *close = strstr(open + 2, "}}");
        if (!close) {
            mc_buf_put(out, open);
            return;
        }
        size_t klen = (size_t)(close - open - 2);
        const char *value = NULL;
        for (const char *const *v = vars; v[0]; v += 2)
            if (strlen(v[0]) == klen && strncmp(v[0], open + 2, klen) == 0)
                value = v[1];
        if (value)
            mc_buf_put(out, value);
        else
            mc_buf_putn(out, open, (size_t)(close + 2 - open));
        p = close + 2;
    }
}
