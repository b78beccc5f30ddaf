/* dialect.c -- see dialect.h. */
#include "dialect.h"

#include <string.h>

int mcc_dialect_parse(const char *name, mcc_dialect *out)
{
    if (strcmp(name, "sqlite") == 0)
        *out = MCC_DIALECT_SQLITE;
    else if (strcmp(name, "postgresql") == 0 || strcmp(name, "postgres") == 0)
        *out = MCC_DIALECT_POSTGRESQL;
    else
        return -1;
    return 0;
}

mcc_dialect mcc_dialect_of_url(const char *url)
{
    if (url && (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0))
        return MCC_DIALECT_POSTGRESQL;
    return MCC_DIALECT_SQLITE;
}

const char *mcc_dialect_name(mcc_dialect d)
{
    return d == MCC_DIALECT_POSTGRESQL ? "postgresql" : "sqlite";
}
