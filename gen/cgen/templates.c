/* templates.c -- lookup of the embedded skeletons. */
#include "templates.h"

#include <string.h>

#include "buf.h"

const char *mcc_template_get(const char *name)
{
    for (const mcc_template *t = mcc_templates; t->name; t++)
        if (strcmp(t->name, name) == 0)
            return t->text;
    return NULL;
}

void mcc_template_render(mcc_buf *out, const char *tpl, const char *const *vars)
{
    const char *p = tpl;
    while (*p) {
        const char *open = strstr(p, "{{");
        if (!open) {
            mcc_buf_put(out, p);
            return;
        }
        mcc_buf_putn(out, p, (size_t)(open - p));
        const char *close = strstr(open + 2, "}}");
        if (!close) {
            mcc_buf_put(out, open);
            return;
        }
        size_t klen = (size_t)(close - open - 2);
        const char *value = NULL;
        for (const char *const *v = vars; v[0]; v += 2)
            if (strlen(v[0]) == klen && strncmp(v[0], open + 2, klen) == 0)
                value = v[1];
        if (value)
            mcc_buf_put(out, value);
        else
            mcc_buf_putn(out, open, (size_t)(close + 2 - open));
        p = close + 2;
    }
}
