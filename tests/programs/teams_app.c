/*
 * teams_app.c -- eager loading over String keys (with quotes, backslashes,
 * control bytes and UTF-8 in them) and SmallInteger keys, one statement
 * a load: tests/programs/teams.model, run by tests/unit/test_pages.c.
 *
 *   teams_app DB SQL      DB: a fresh database file; SQL: `modelc sql teams.model`
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "teams.h"

static mc_db *db;

#include "app_check.h"

static int statements;

static int count_statement(unsigned type, void *ctx, void *p, void *x)
{
    (void)ctx, (void)p, (void)x;
    statements += type == SQLITE_TRACE_STMT;
    return 0;
}

#define ONE_STATEMENT(call)                                                                \
    do {                                                                                   \
        statements = 0;                                                                    \
        OK(call);                                                                          \
        CHECK(statements == 1, "%s took %d statements", #call, statements);                \
    } while (0)

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: teams_app DB SQL\n");
        return 2;
    }
    if (app_open(&db, argv[1], argv[2]) != MC_OK) {
        mc_close(db);
        return 1;
    }
    /* codes a JSON array must escape, and one that only looks like a number */
    Team teams[6] = {{.code = "q\"t", .name = "quote"}, {.code = "b\\s", .name = "backslash"},
                     {.code = "tab\tx", .name = "control"}, {.code = "\xe6\x97\xa5\xe6\x9c\xac", .name = "utf-8"},
                     {.code = "007", .name = "digits"}, {.code = "empty", .name = "nobody"}};
    OK(mc_begin(db));
    for (int i = 0; i < 6; i++)
        OK(team_insert(db, &teams[i]));
    /* person i + 1 in team i % 5 (none in "empty"); every third has no team; boss: person 1 or 2 */
    Person people[20];
    for (int i = 0; i < 20; i++) {
        Person p = PERSON_INIT;
        p.id = (int32_t)(i + 1);
        p.team_code = i % 3 == 2 ? NULL : teams[i % 5].code;
        if (i >= 2) {
            p.boss_id = (int32_t)(i % 2 + 1);
            p.boss_id_null = false;
        }
        people[i] = p;
        OK(person_insert(db, &people[i]));
    }
    OK(mc_commit(db));
    sqlite3_trace_v2(mc_sqlite(db), SQLITE_TRACE_STMT, count_statement, NULL);

    Team_list tl = {teams, 6};
    Person_lists members;
    ONE_STATEMENT(team_list_load_people(db, &tl, &members));
    CHECK_INT(members.count, 6);
    for (int t = 0; t < 6 && members.count == 6; t++) {
        size_t want = 0;
        for (int i = 0; i < 20; i++)
            want += people[i].team_code && strcmp(people[i].team_code, teams[t].code) == 0;
        CHECK(members.lists[t].count == want, "team %d: %zu people, want %zu", t, members.lists[t].count, want);
        for (size_t k = 0; k < members.lists[t].count; k++)
            CHECK_STR(members.lists[t].items[k].team_code, teams[t].code);
    }
    person_lists_free(&members);

    Person_list pl = {people, 20};
    Team_refs tr;
    ONE_STATEMENT(person_list_load_team(db, &pl, &tr));
    CHECK(tr.count == 20 && tr.rows.count == 5, "20 refs to 5 teams: %zu, %zu", tr.count, tr.rows.count);
    for (size_t i = 0; i < tr.count && i < 20; i++) {
        if (!people[i].team_code)
            CHECK(tr.refs[i] == NULL, "person %zu has no team", i);
        else
            CHECK(tr.refs[i] && app_str_eq(tr.refs[i]->code, people[i].team_code) &&
                      app_str_eq(tr.refs[i]->name, teams[i % 5].name),
                  "person %zu's team", i);
    }
    team_refs_free(&tr);

    Person_lists reports;
    ONE_STATEMENT(person_list_load_reports(db, &pl, &reports));
    CHECK(reports.count == 20 && reports.lists[0].count == 9 && reports.lists[1].count == 9 &&
              reports.lists[2].count == 0,
          "reports of persons 1 and 2");
    if (reports.count == 20 && reports.lists[0].count == 9)   /* order_by: id desc */
        CHECK(reports.lists[0].items[0].id == 19 && reports.lists[0].items[8].id == 3, "reports in id-desc order");
    person_lists_free(&reports);
    Person_refs bosses;
    ONE_STATEMENT(person_list_load_boss(db, &pl, &bosses));
    CHECK(bosses.count == 20 && bosses.rows.count == 2 && !bosses.refs[0] && !bosses.refs[1] && bosses.refs[2] &&
              bosses.refs[2]->id == 1 && bosses.refs[3]->id == 2 && bosses.refs[4] == bosses.refs[2],
          "bosses");
    person_refs_free(&bosses);
    sqlite3_trace_v2(mc_sqlite(db), 0, NULL, NULL);
    mc_close(db);
    return app_done("teams_app");
}
