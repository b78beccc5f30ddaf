/*
 * fuzz_values.c -- libFuzzer target: the runtime's checks on values
 * before they are written (UTF-8 length, JSON, dates and times, NUMERIC)
 * and the NUMERIC read-back, which a generated program runs on whatever
 * its caller hands it.
 *
 * Input: byte 0 and 1 are parameters (a length limit, precision and
 * scale); the rest is the value, copied into a buffer of exactly its size
 * (NUL-terminated for the string checks, unterminated for
 * mc_json_valid's length form) so that any read past the end is caught.
 * Besides the sanitizers, the checks must agree with each other:
 *   - mc_check_string accepts exactly the valid UTF-8 mc_utf8_length
 *     reports, and its limit counts the same characters; mc_check_text
 *     answers as it does;
 *   - mc_check_json and mc_json_valid agree;
 *   - a DateTime is valid exactly when its date and its time are;
 *   - a NUMERIC that fits (p, s) also fits (p + 1, s) and (p + 1, s + 1).
 * A disagreement aborts, which libFuzzer reports as a crash.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "modelc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static mc_db *db;   /* one in-memory connection for messages and read-back */

#define MUST(cond)                                                                   \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fprintf(stderr, "fuzz_values: %s:%d: %s does not hold\n", __FILE__, __LINE__, #cond); \
            abort();                                                                 \
        }                                                                            \
    } while (0)

static void check_strings(const char *s, int limit)
{
    int valid = -1;
    size_t chars = mc_utf8_length(s, &valid);
    MUST(valid == 0 || valid == 1);
    MUST(chars <= strlen(s));
    int rc = mc_check_string(db, "t", "f", s, 0);
    MUST((rc == MC_OK) == (valid == 1));
    if (valid && chars > 0 && chars <= (size_t)1 << 30) {
        MUST(mc_check_string(db, "t", "f", s, (int)chars) == MC_OK);
        MUST(mc_check_string(NULL, NULL, NULL, s, (int)chars - 1 > 0 ? (int)chars - 1 : 0) ==
             ((int)chars - 1 > 0 ? MC_INVALID : MC_OK));
    }
    if (limit > 0)
        MUST((mc_check_string(db, NULL, "f", s, limit) == MC_OK) == (valid && chars <= (size_t)limit));
    /* the generated checks' entry: the same answer; its fast path says yes
     * exactly for ASCII no longer in bytes than the limit */
    MUST(mc_check_text(db, "t", "f", s, limit) == mc_check_string(db, "t", "f", s, limit));
    if (mc_text_plain(s, limit))
        MUST(chars == strlen(s) && (limit <= 0 || chars <= (size_t)limit));
}

static void check_json(const char *s, const uint8_t *raw, size_t len)
{
    size_t at = (size_t)-1;
    int v = mc_json_valid((const char *)raw, len, &at);
    MUST(v == 0 || v == 1);
    if (v == 0)
        MUST(at <= len);
    int rc = mc_check_json(db, "t", NULL, s);
    if (strlen(s) == len)   /* no NUL inside: the same text */
        MUST((rc == MC_OK) == (v == 1));
    (void)mc_json_valid(s, strlen(s), NULL);
}

static void check_temporal(const char *s)
{
    int dt = mc_check_datetime(db, "t", "at", s) == MC_OK;
    int d = mc_check_date(db, "t", "on", s) == MC_OK;
    int t = mc_check_time(NULL, NULL, NULL, s) == MC_OK;
    MUST(!(d && t));    /* no text is both a date and a time */
    /* the check accepts exactly what the normalizer accepts (ISO 8601 as
     * Python writes it), and every stored form "date time" among it */
    char norm[MC_DATETIME_SIZE];
    int nz = mc_datetime_normalize(s, norm) == MC_OK;
    MUST(dt == nz);
    size_t n = strlen(s);
    if (n > 11 && s[10] == ' ') {
        char date[11];
        memcpy(date, s, 10);
        date[10] = '\0';
        int both = mc_check_date(NULL, NULL, NULL, date) == MC_OK && mc_check_time(NULL, NULL, NULL, s + 11) == MC_OK;
        MUST(!both || dt);
    }
    if (nz) {   /* the normal form: 26 characters, a date and a time, a fixed point, the same instant */
        char again[MC_DATETIME_SIZE];
        int cmp = 2;
        MUST(strlen(norm) == 26 && norm[10] == ' ');
        MUST(mc_check_time(NULL, NULL, NULL, norm + 11) == MC_OK);
        norm[10] = '\0';
        MUST(mc_check_date(NULL, NULL, NULL, norm) == MC_OK);
        norm[10] = ' ';
        MUST(mc_datetime_normalize(norm, again) == MC_OK && strcmp(norm, again) == 0);
        MUST(mc_datetime_compare(s, norm, &cmp) == MC_OK && cmp == 0);
    }
}

static void check_numeric(const char *s, int precision, int scale)
{
    int ok = mc_check_numeric(db, "t", "n", s, precision, scale) == MC_OK;
    if (ok && precision > 0 && precision < 1000) {
        MUST(mc_check_numeric(NULL, NULL, NULL, s, precision + 1, scale) == MC_OK);
        MUST(mc_check_numeric(NULL, NULL, NULL, s, precision + 1, scale + 1) == MC_OK);
    }
    if (ok)     /* without a precision only the form counts */
        MUST(mc_check_numeric(NULL, NULL, NULL, s, 0, 0) == MC_OK);
}

/* What a NUMERIC(p, scale) column gives back for the value stored as
 * text, as a number and as its integer part. */
static void read_back_numeric(const char *s, int scale)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(mc_sqlite(db), "SELECT CAST(?1 AS NUMERIC), ?1, CAST(?1 AS REAL), CAST(?1 AS INTEGER)", -1,
                           &st, NULL) != SQLITE_OK)
        abort();
    sqlite3_bind_text(st, 1, s, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        for (int col = 0; col < 4; col++) {
            char *out = NULL;
            int rc = mc_column_numeric(db, st, col, scale, &out);
            MUST(rc == MC_OK || rc == MC_NOMEM);
            if (rc == MC_OK && sqlite3_column_type(st, col) != SQLITE_NULL)
                MUST(out != NULL);
            free(out);
        }
    }
    sqlite3_finalize(st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!db && mc_open(&db, ":memory:", NULL) != MC_OK)
        abort();
    if (size < 2)
        return 0;
    int p0 = data[0], p1 = data[1];
    data += 2;
    size -= 2;
    char *s = malloc(size + 1);
    uint8_t *raw = malloc(size ? size : 1);
    if (!s || !raw)
        abort();
    if (size) {
        memcpy(s, data, size);
        memcpy(raw, data, size);
    }
    s[size] = '\0';

    check_strings(s, p0);
    check_json(s, raw, size);
    check_temporal(s);
    check_numeric(s, p0 % 40 - 2, p1 % 40 - 2);
    read_back_numeric(s, p1 % 24 - 2);

    free(raw);
    free(s);
    return 0;
}
