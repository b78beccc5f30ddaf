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

/* The same schemes as the runtime's mc_open (runtime/connection.c):
 * postgres, postgresql and SQLAlchemy's postgresql+driver. */
mcc_dialect mcc_dialect_of_url(const char *url)
{
    const char *sep = url ? strstr(url, "://") : NULL;
    size_t n = sep ? (size_t)(sep - url) : 0;
    if (sep && ((n == 8 && strncmp(url, "postgres", 8) == 0) || (n == 10 && strncmp(url, "postgresql", 10) == 0) ||
                (n > 11 && strncmp(url, "postgresql+", 11) == 0)))
        return MCC_DIALECT_POSTGRESQL;
    return MCC_DIALECT_SQLITE;
}

const char *mcc_dialect_name(mcc_dialect d)
{
    return d == MCC_DIALECT_POSTGRESQL ? "postgresql" : "sqlite";
}
