/* dialect.c -- see dialect.h. */
#include "dialect.h"

#include <string.h>

int mc_dialect_parse(const char *name, mc_dialect *out)
{
    if (strcmp(name, "sqlite") == 0)
        *out = MC_DIALECT_SQLITE;
    else if (strcmp(name, "postgresql") == 0 || strcmp(name, "postgres") == 0)
        *out = MC_DIALECT_POSTGRESQL;
    else
        return -1;
    return 0;
}

mc_dialect mc_dialect_of_url(const char *url)
{
    if (url && (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0))
        return MC_DIALECT_POSTGRESQL;
    return MC_DIALECT_SQLITE;
}

const char *mc_dialect_name(mc_dialect d)
{
    return d == MC_DIALECT_POSTGRESQL ? "postgresql" : "sqlite";
}
