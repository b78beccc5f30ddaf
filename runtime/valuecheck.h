/*
 * valuecheck.h -- the pure value checks that both the runtime (before a
 * write) and the compiler (on a schema's literals, and on the bytes of a
 * schema file) make.  One copy, in libmodelc (values.c, datetime.c); the
 * compiler links libmodelc.  Not installed; names start with mci_ as in
 * internal.h.  Nothing here takes a connection, leaves a message or
 * allocates.
 */
#ifndef MC_VALUECHECK_H
#define MC_VALUECHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "modelc.h"     /* mc_temporal */

/* Length (1-4) of the valid UTF-8 sequence at s, which holds at least
 * `avail` (>= 1) bytes; 0 when the bytes there are not one: a stray
 * continuation byte, a sequence cut short, an overlong form, a surrogate
 * or a value past U+10FFFF (RFC 3629).  values.c. */
size_t mci_utf8_seq(const unsigned char *s, size_t avail);

/* mci_temporal_valid's flags. */
enum {
    /* A DateTime only as it is stored: "YYYY-MM-DD HH:MM:SS[.f{1,6}]", no
     * 'T', no offset, seconds given.  A schema's DateTime literal must be
     * that, since DDL writes a server_default as it is. */
    MCI_TEMPORAL_STORED = 1
};

/* Is s a valid Date ("YYYY-MM-DD"), Time ("HH:MM:SS[.f{1,6}]") or
 * DateTime (every form mc_check_datetime accepts, or with
 * MCI_TEMPORAL_STORED only the stored one), calendar checked as the
 * write checks do (years 0001-9999, Feb 29 only in leap years)?  NULL is
 * not.  datetime.c. */
bool mci_temporal_valid(const char *s, mc_temporal kind, unsigned flags);

#endif
