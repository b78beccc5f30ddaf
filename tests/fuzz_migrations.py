#!/usr/bin/env python3
"""fuzz_migrations.py -- a randomized differential test of `modelc migrate`.

Each case is a random history of valid schemas: version 1 has 2-6 models
(every column type, composite keys, custom table names, self-references,
every constraint kind, relationships, column("..."), enums), and each later
version applies a random chain of 1-3 changes (add/drop/rename models and
columns, custom table and column names, type changes both ways,
nullability, indexes, uniques, checks, server defaults, foreign keys and
their actions, enum values, autoincrement; renamed_from hints that then
stay behind, stale).  For every version the test

  * runs `modelc migrate` without --allow-data-loss: a step that loses data
    (as this file's own model of the change says) must be refused with
    nothing written, any other step must be written; then with the flag;
  * upgrades a file database, compares it by introspection (sqlite_master,
    pragma table_info / index_list / index_info / foreign_key_list, CHECK
    clauses) with a fresh database made from `modelc sql`, and compares the
    data of every column that exists in both versions with what it held;
  * inserts rows (respecting every constraint) into the tables the version
    created.

Then it downgrades step by step to version 1 (same comparisons), upgrades
again to the last version, and upgrades an empty database through all of
it.  A failing case is shrunk (fewer versions, fewer changes, fewer
models) and printed as a reproduction: the schema of every version and the
command that replays it.

  python3 tests/fuzz_migrations.py --modelc build/modelc --seed 1 --cases 200
  python3 tests/fuzz_migrations.py --seed 7 --case 123      # one case again
  python3 tests/fuzz_migrations.py --seed 1 --minutes 15    # as long as asked

Python 3 standard library only.
"""

import argparse
import copy
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter

STATS = Counter()

ROWS = 3

# ---- types -------------------------------------------------------------------

SIMPLE_TYPES = ["Integer", "BigInteger", "SmallInteger", "Float", "Boolean", "Text",
                "DateTime", "Date", "Time", "LargeBinary", "JSON"]
ALL_KINDS = SIMPLE_TYPES + ["String", "StringN", "Numeric", "Enum"]


def sql_type(t, enums):
    k = t["kind"]
    if k == "Integer":
        return "INTEGER"
    if k == "BigInteger":
        return "BIGINT"
    if k == "SmallInteger":
        return "SMALLINT"
    if k == "Float":
        return "FLOAT"
    if k == "Boolean":
        return "BOOLEAN"
    if k == "Text":
        return "TEXT"
    if k in ("DateTime", "Date", "Time"):
        return k.upper()
    if k == "LargeBinary":
        return "BLOB"
    if k == "JSON":
        return "JSON"
    if k == "String":
        return "VARCHAR"
    if k == "StringN":
        return "VARCHAR(%d)" % t["n"]
    if k == "Numeric":
        return "NUMERIC(%d, %d)" % (t["p"], t["s"])
    if k == "Enum":
        return "VARCHAR(%d)" % max(len(v) for v in enums[t["enum"]]["values"])
    raise ValueError(k)


def dsl_type(t, enums):
    k = t["kind"]
    if k == "StringN":
        return "String(%d)" % t["n"]
    if k == "Numeric":
        return "Numeric(%d, %d)" % (t["p"], t["s"])
    if k == "Enum":
        return enums[t["enum"]]["name"]
    return k


def family(k):
    if k in ("Integer", "BigInteger", "SmallInteger"):
        return "int"
    if k in ("String", "StringN", "Text", "JSON", "Enum"):
        return "str"
    if k in ("DateTime", "Date", "Time"):
        return "time"
    return {"Float": "real", "Numeric": "num", "Boolean": "bool", "LargeBinary": "blob"}[k]


def str_len(t, enums):
    if t["kind"] == "StringN":
        return t["n"]
    if t["kind"] == "Enum":
        return max(len(v) for v in enums[t["enum"]]["values"])
    return 0


def narrows(a, b, ea, eb):
    """Does a type change from a (with enums ea) to b (enums eb) lose data?
    DSL.md 3: narrowing a type, removing an enum value, making a column an enum."""
    if b["kind"] == "Enum":
        if a["kind"] != "Enum":
            return True
        if set(ea[a["enum"]]["values"]) - set(eb[b["enum"]]["values"]):
            return True
    if sql_type(a, ea).replace(" ", "") == sql_type(b, eb).replace(" ", ""):
        return False
    f, g = family(a["kind"]), family(b["kind"])
    if g == "str":
        if b["kind"] == "JSON" and a["kind"] != "JSON":
            return True
        n = str_len(b, eb)
        if n == 0:
            return False
        if f == "str":
            m = str_len(a, ea)
            return m == 0 or m > n
        return True
    if f == g:
        if f == "int":
            rank = {"SmallInteger": 1}
            return rank.get(b["kind"], 2) < rank.get(a["kind"], 2)
        if f == "num":
            return b["p"] - b["s"] < a["p"] - a["s"] or b["s"] < a["s"]
        if f == "time":
            return True
        return False
    if f == "bool" and g in ("int", "real", "num"):
        return False
    if f == "int" and g in ("real", "num"):
        return False
    return True


# ---- the schema model -------------------------------------------------------------
#
# A schema is a dict: {"models": [model], "enums": {uid: {"name", "values"}}}.
# model: {"uid", "name", "table" (None: snake_case), "hint", "fields": [field],
#         "pk": None (a lone id) or [field uid, field uid], "uniques": [{"uid", "fields"}],
#         "indexes": [{"uid", "fields", "unique"}], "checks": [{"uid", "field"}], "autoinc"}
# field: {"uid", "name", "column", "hint", "type", "not_null", "unique", "index",
#         "default", "check", "fk": None or {"model", "on_delete", "on_update"}, "rel"}
# Every thing has a uid that survives renames: versions are compared by uid.


def snake(name):
    out = []
    for i, c in enumerate(name):
        if c.isupper() and i > 0:
            prev = name[i - 1]
            nxt = name[i + 1] if i + 1 < len(name) else ""
            if prev.islower() or prev.isdigit() or nxt.islower():
                out.append("_")
        out.append(c.lower())
    return "".join(out).lstrip("_")


def table_of(m):
    return m["table"] if m["table"] is not None else snake(m["name"])


def col_of(f):
    return f["column"] if f["column"] is not None else f["name"]


def find(items, uid):
    for x in items:
        if x["uid"] == uid:
            return x
    return None


def q(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def sq(s):
    return "'" + s.replace("'", "''") + "'"


def check_sql(f):
    c = col_of(f)
    return {"len": "length(%s) >= 0", "typeof": "typeof(%s) <> 'none'",
            "null": "%s IS NULL OR 1"}[f["check"]] % c


def table_check_sql(m, ck):
    f = find(m["fields"], ck["field"])
    return "length(%s) < 100000" % col_of(f)


def default_text(f, enums):
    d = f["default"]
    if d is None:
        return None
    return d


def render(s):
    """The schema in modelc's language."""
    enums = s["enums"]
    out = []
    for uid in sorted(enums):
        e = enums[uid]
        out.append("enum %s { %s }" % (e["name"], ", ".join(e["values"])))
    by_uid = {m["uid"]: m for m in s["models"]}
    for m in s["models"]:
        head = "model %s" % m["name"]
        if m["table"] is not None:
            head += " table %s" % q(m["table"])
        out.append(head + " {")
        if m["hint"]:
            out.append("    renamed_from(%s)" % m["hint"])
        for f in m["fields"]:
            parts = ["    %s %s" % (f["name"], dsl_type(f["type"], enums))]
            if m["pk"] is None and f["uid"] == m["fields"][0]["uid"]:
                parts.append("primary_key")
                if m["autoinc"]:
                    parts.append("autoincrement")
            if f["not_null"]:
                parts.append("not_null")
            if f["unique"]:
                parts.append("unique")
            if f["index"]:
                parts.append("index")
            if f["default"] is not None:
                parts.append("server_default(%s)" % f["default"])
            if f["check"]:
                parts.append("check(%s)" % q(check_sql(f)))
            if f["fk"]:
                t = by_uid[f["fk"]["model"]]
                opts = ""
                if f["fk"]["on_delete"]:
                    opts += ", on_delete: " + f["fk"]["on_delete"]
                if f["fk"]["on_update"]:
                    opts += ", on_update: " + f["fk"]["on_update"]
                parts.append("foreign_key(%s.%s%s)" % (t["name"], t["fields"][0]["name"], opts))
            if f["column"] is not None:
                parts.append("column(%s)" % q(f["column"]))
            if f["hint"]:
                parts.append("renamed_from(%s)" % f["hint"])
            out.append(" ".join(parts))
        if m["pk"] is not None:
            out.append("    primary_key(%s)" % ", ".join(find(m["fields"], u)["name"] for u in m["pk"]))
        for u in m["uniques"]:
            out.append("    unique(%s)" % ", ".join(find(m["fields"], x)["name"] for x in u["fields"]))
        for ix in m["indexes"]:
            out.append("    index(%s, name: %s%s)" % (", ".join(find(m["fields"], x)["name"] for x in ix["fields"]),
                                                      q("ixc%d" % ix["uid"]), ", unique: true" if ix["unique"] else ""))
        for ck in m["checks"]:
            out.append("    check(%s)" % q(table_check_sql(m, ck)))
        # Many-to-many through an association model: a composite key of
        # two foreign keys to two other models, and no other foreign key.
        for assoc in s["models"]:
            if not assoc.get("m2m") or assoc["pk"] is None:
                continue
            fks = [x for x in assoc["fields"] if x["fk"]]
            ends = [x["fk"]["model"] for x in fks]
            if (len(fks) == 2 and all(x["uid"] in assoc["pk"] for x in fks) and ends[0] != ends[1]
                    and assoc["uid"] not in ends and ends[0] == m["uid"]):
                out.append("    mm%d relationship(%s, secondary: %s, backref: bm%d)" %
                           (assoc["uid"], by_uid[ends[1]]["name"], assoc["name"], assoc["uid"]))
        # Relationships: one-to-many along the foreign keys marked "rel".
        for other in s["models"]:
            for f in other["fields"]:
                if f["fk"] and f["rel"] and f["fk"]["model"] == m["uid"]:
                    out.append("    rel%d relationship(%s, backref: br%d, foreign_key: %s)" %
                               (f["uid"], other["name"], f["uid"], f["name"]))
        out.append("}")
    return "\n".join(out) + "\n"


# ---- generating ---------------------------------------------------------------------

class Gen:
    def __init__(self, rng):
        self.rng = rng
        self.next_uid = 1

    def uid(self):
        self.next_uid += 1
        return self.next_uid

    def word(self):
        return "".join(self.rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(2))

    def model_name(self, uid):
        return "M%s%d" % (self.word(), uid)

    def type(self, s):
        r = self.rng
        k = r.choice(ALL_KINDS)
        if k == "StringN":
            return {"kind": k, "n": r.choice([8, 12, 20, 40])}
        if k == "Numeric":
            return {"kind": k, "p": r.choice([6, 8, 10]), "s": r.choice([0, 2])}
        if k == "Enum":
            if s["enums"] and r.random() < 0.5:
                return {"kind": k, "enum": r.choice(sorted(s["enums"]))}
            u = self.uid()
            s["enums"][u] = {"name": "E%s%d" % (self.word(), u),
                             "values": ["v%s%d" % ("x" * r.randint(0, 4), i) for i in range(r.randint(2, 4))]}
            return {"kind": k, "enum": u}
        return {"kind": k}

    def default_for(self, t, s):
        k = t["kind"]
        r = self.rng
        if family(k) == "int" or k in ("Float", "Numeric"):
            return str(r.randint(0, 9))
        if k == "Boolean":
            return r.choice(["true", "false"])
        if k in ("DateTime", "Date", "Time"):
            return "now" if r.random() < 0.3 else q({"DateTime": "2020-01-01 00:00:00.000000", "Date": "2020-01-01",
                                                      "Time": "00:00:00.000000"}[k])
        if k == "Enum":
            return s["enums"][t["enum"]]["values"][0]
        if k == "JSON":
            return q("{}")
        if k == "LargeBinary":
            return None
        return q("dflt")

    def field(self, s, m, fk_ok=True):
        r = self.rng
        u = self.uid()
        f = {"uid": u, "name": "f%s%d" % (self.word(), u), "column": None, "hint": None, "type": self.type(s),
             "not_null": False, "unique": False, "index": False, "default": None, "check": None, "fk": None,
             "rel": False}
        f["intdata"] = f["type"]["kind"] == "Integer"
        if fk_ok and r.random() < 0.25:
            targets = [x for x in s["models"] if x["pk"] is None] + ([m] if m["pk"] is None else [])
            if targets:
                t = r.choice(targets)
                f["type"] = {"kind": "Integer"}
                f["fk"] = self.fk(t["uid"])
                f["wasfk"] = True
                f["rel"] = r.random() < 0.5
        if r.random() < 0.15:
            f["column"] = "c_%s%d" % (self.word(), u)
        if r.random() < 0.2:
            f["index"] = True
        if r.random() < 0.2:
            f["check"] = r.choice(["len", "typeof", "null"])
        if r.random() < 0.3:
            f["default"] = self.default_for(f["type"], s)
        if r.random() < 0.25:
            if f["default"] is None:
                f["default"] = self.default_for(f["type"], s)
            if f["default"] is not None:
                f["not_null"] = True
        if r.random() < 0.2 and uniqueable(f):
            f["unique"] = True
        if f["fk"]:
            # a default would reference rows that are not there
            f["default"] = None
            f["not_null"] = False
            f["unique"] = False
        return f

    def fk(self, model_uid):
        r = self.rng
        acts = [None, "cascade", "set_null", "set_default", "restrict", "no_action"]
        return {"model": model_uid, "on_delete": r.choice(acts), "on_update": r.choice(acts) if r.random() < 0.3 else None}

    def model(self, s):
        r = self.rng
        u = self.uid()
        m = {"uid": u, "name": self.model_name(u), "table": None, "hint": None, "fields": [], "pk": None,
             "uniques": [], "indexes": [], "checks": [], "autoinc": False}
        if r.random() < 0.25:
            m["table"] = r.choice(["t_%s%d" % (self.word(), u), "Tbl %d" % u, 'q"x %d' % u])
        if r.random() < 0.15:
            # a composite primary key of two Integer (maybe foreign key) columns
            a = self.bare_int_field(s, m)
            b = self.bare_int_field(s, m)
            m["fields"] += [a, b]
            m["pk"] = [a["uid"], b["uid"]]
            m["m2m"] = r.random() < 0.7
        else:
            idf = self.bare_int_field(s, m, fk=False)
            idf["name"] = "id%d" % idf["uid"]
            m["fields"].append(idf)
            m["autoinc"] = r.random() < 0.2
        for _ in range(r.randint(1, 5)):
            m["fields"].append(self.field(s, m))
        self.model_extras(m)
        return m

    def bare_int_field(self, s, m, fk=True):
        u = self.uid()
        f = {"uid": u, "name": "k%d" % u, "column": None, "hint": None, "type": {"kind": "Integer"},
             "not_null": True, "unique": False, "index": False, "default": None, "check": None, "fk": None,
             "rel": False}
        if fk:
            targets = [x for x in s["models"] if x["pk"] is None]
            if targets and self.rng.random() < 0.85:
                f["fk"] = self.fk(self.rng.choice(targets)["uid"])
                f["wasfk"] = True
                no_set_null(f)
        return f

    def model_extras(self, m):
        r = self.rng
        cols = [f for f in m["fields"] if not is_pk(m, f)]
        if len(cols) >= 2 and r.random() < 0.3:
            m["indexes"].append({"uid": self.uid(), "fields": [f["uid"] for f in r.sample(cols, 2)],
                                 "unique": False})
        uq = [f for f in cols if uniqueable(f)]
        if len(uq) >= 1 and len(cols) >= 2 and r.random() < 0.2:
            a = r.choice(uq)
            b = r.choice([f for f in cols if f is not a])
            m["uniques"].append({"uid": self.uid(), "fields": [a["uid"], b["uid"]]})
        if cols and r.random() < 0.2:
            m["checks"].append({"uid": self.uid(), "field": r.choice(cols)["uid"]})

    def schema(self):
        s = {"models": [], "enums": {}}
        for _ in range(self.rng.randint(2, 6)):
            s["models"].append(self.model(s))
        return s


def is_pk(m, f):
    if m["pk"] is None:
        return f["uid"] == m["fields"][0]["uid"]
    return f["uid"] in m["pk"]


def no_set_null(f):
    """set_null on a NOT NULL column is an error."""
    if f["not_null"] and f["fk"]:
        for k in ("on_delete", "on_update"):
            if f["fk"][k] == "set_null":
                f["fk"][k] = "restrict"


def uniqueable(f):
    """Values the data generator makes distinct per row (an Integer that
    may reference rows, or did, only takes the values 1..rows)."""
    return (f["type"]["kind"] not in ("Boolean", "Enum") and not f["fk"] and not f.get("wasfk")
            and not f.get("intdata") and f["default"] is None)


# ---- mutations ------------------------------------------------------------------------
#
# A mutation is drawn with every choice made (a dict), then applied; applying
# checks its preconditions and does nothing when they fail, so that a shrunk
# chain (some mutations removed) still applies.

def referenced_fields(m, fu):
    n = 0
    for ix in m["indexes"]:
        n += fu in ix["fields"]
    for u in m["uniques"]:
        n += fu in u["fields"]
    for c in m["checks"]:
        n += c["field"] == fu
    return n


def draw_mutation(g, s):
    r = g.rng
    kinds = ["add_model", "drop_model", "rename_model", "set_table", "add_field", "drop_field", "rename_field",
             "set_column", "change_type", "nullability", "toggle_index", "toggle_unique", "composite_index",
             "composite_unique", "check", "table_check", "default", "add_fk", "drop_fk", "fk_actions",
             "enum_add", "enum_remove", "enum_rename", "autoincrement", "rel", "clear_hints", "m2m"]
    kinds += ["change_type", "change_type", "change_type", "enum_add", "enum_remove", "enum_rename", "add_fk",
              "fk_actions", "nullability", "default", "drop_model", "rename_model"]  # weights
    k = r.choice(kinds)
    models = s["models"]
    m = r.choice(models) if models else None
    plain = [f for f in m["fields"] if not is_pk(m, f)] if m else []
    f = r.choice(plain) if plain else None
    mu = {"kind": k, "model": m["uid"] if m else None, "field": f["uid"] if f else None}
    if k == "add_model":
        tmp = copy.deepcopy(s)
        mu["new"] = g.model(tmp)
        mu["enums"] = tmp["enums"]
    elif k == "rename_model":
        mu["name"] = g.model_name(g.uid())
        mu["table"] = r.choice(["keep", "default", "custom"])
        mu["custom"] = "t_%s%d" % (g.word(), g.uid())
    elif k == "set_table":
        mu["table"] = r.choice([None, "t_%s%d" % (g.word(), g.uid())])
    elif k == "add_field":
        tmp = copy.deepcopy(s)
        mt = find(tmp["models"], mu["model"]) if m else None
        if mt:
            nf = g.field(tmp, mt)
            if nf["not_null"] is False and not nf["fk"] and not nf["unique"] and r.random() < 0.2:
                nf["default"] = nf["default"] or g.default_for(nf["type"], tmp)
                nf["not_null"] = nf["default"] is not None
            mu["new"] = nf
            mu["enums"] = tmp["enums"]
            mu["position"] = r.choice(["end", "end", "middle"])
    elif k == "rename_field":
        mu["name"] = "f%s%d" % (g.word(), g.uid())
    elif k == "set_column":
        mu["column"] = r.choice([None, "c_%s%d" % (g.word(), g.uid())])
    elif k == "change_type":
        tmp = copy.deepcopy(s)
        mu["type"] = g.type(tmp)
        mu["enums"] = tmp["enums"]
        mu["default"] = g.default_for(mu["type"], tmp)
    elif k == "nullability":
        mu["default"] = g.default_for(f["type"], s) if f else None
    elif k in ("composite_index", "composite_unique"):
        mu["uid"] = g.uid()
        mu["pair"] = [x["uid"] for x in r.sample(plain, 2)] if len(plain) >= 2 else None
        mu["unique"] = r.random() < 0.3
    elif k == "check":
        mu["check"] = r.choice(["len", "typeof", "null"])
    elif k == "table_check":
        mu["uid"] = g.uid()
    elif k == "default":
        mu["default"] = g.default_for(f["type"], s) if f else None
        mu["drop"] = r.random() < 0.4
    elif k == "add_fk":
        targets = [x for x in models if x["pk"] is None]
        mu["target"] = r.choice(targets)["uid"] if targets else None
        mu["fk"] = g.fk(mu["target"]) if targets else None
    elif k == "fk_actions":
        mu["fk"] = g.fk(0)
    elif k in ("enum_add", "enum_remove", "enum_rename"):
        mu["enum"] = r.choice(sorted(s["enums"])) if s["enums"] else None
        mu["value"] = "w%s%d" % ("x" * r.randint(0, 5), g.uid())
        mu["index"] = r.randint(0, 9)
    return mu


def apply_mutation(s, mu, previous):
    """Applies mu to s in place; returns False when its preconditions fail.
    previous: the schema before this version (for renamed_from hints)."""
    k = mu["kind"]
    models = s["models"]
    m = find(models, mu["model"]) if mu["model"] is not None else None
    f = find(m["fields"], mu["field"]) if m and mu["field"] is not None else None
    if f and m and is_pk(m, f):
        f = None
    if k == "add_model":
        new = copy.deepcopy(mu["new"])
        for x in new["fields"]:
            if x["fk"] and not find(models, x["fk"]["model"]) and x["fk"]["model"] != new["uid"]:
                x["fk"] = None
                x["rel"] = False
        if find(models, new["uid"]):
            return False
        for u, e in mu["enums"].items():
            s["enums"].setdefault(u, copy.deepcopy(e))
        models.append(new)
        return True
    if m is None:
        return False
    if k == "drop_model":
        if len(models) <= 1 or m["uid"] in s.get("refd", []):
            return False    # rows of other tables referenced it: no downgrade could bring them back
        models.remove(m)
        for o in models:
            for x in o["fields"]:
                if x["fk"] and x["fk"]["model"] == m["uid"]:
                    x["fk"] = None
                    x["rel"] = False
        return True
    if k == "rename_model":
        old = find(previous["models"], m["uid"]) if previous else None
        m["name"] = mu["name"]
        if old:
            m["hint"] = old["name"]
        if mu["table"] == "default":
            m["table"] = None
        elif mu["table"] == "custom":
            m["table"] = mu["custom"]
        return True
    if k == "set_table":
        m["table"] = mu["table"]
        return True
    if k == "add_field":
        if "new" not in mu or find(m["fields"], mu["new"]["uid"]):
            return False
        nf = copy.deepcopy(mu["new"])
        if nf["fk"] and not find(models, nf["fk"]["model"]):
            nf["fk"] = None
            nf["rel"] = False
        if nf["fk"] and nf["fk"]["model"] != m["uid"] and find(models, nf["fk"]["model"])["pk"] is not None:
            nf["fk"] = None
            nf["rel"] = False
        for u, e in mu["enums"].items():
            s["enums"].setdefault(u, copy.deepcopy(e))
        if nf["type"]["kind"] == "Enum" and nf["type"]["enum"] not in s["enums"]:
            return False
        if mu["position"] == "middle" and len(m["fields"]) > 2:
            m["fields"].insert(len(m["fields"]) - 1, nf)
        else:
            m["fields"].append(nf)
        return True
    if k == "autoincrement":
        if m["pk"] is not None:
            return False
        m["autoinc"] = not m["autoinc"]
        return True
    if k == "clear_hints":
        # only the stale ones: a rename of this version needs its hint
        old = find(previous["models"], m["uid"]) if previous else None
        if old is None or old["name"] == m["name"]:
            m["hint"] = None
        for x in m["fields"]:
            ox = find(old["fields"], x["uid"]) if old else None
            if ox is None or ox["name"] == x["name"]:
                x["hint"] = None
        return True
    if k == "m2m":
        m["m2m"] = not m.get("m2m")
        return True
    if f is None and k not in ("enum_add", "enum_remove", "enum_rename"):
        return False
    if k == "drop_field":
        m["fields"].remove(f)
        m["indexes"] = [ix for ix in m["indexes"] if f["uid"] not in ix["fields"]]
        m["uniques"] = [u for u in m["uniques"] if f["uid"] not in u["fields"]]
        m["checks"] = [c for c in m["checks"] if c["field"] != f["uid"]]
        return True
    if k == "rename_field":
        old = find(find(previous["models"], m["uid"])["fields"], f["uid"]) if previous and find(
            previous["models"], m["uid"]) else None
        f["name"] = mu["name"]
        if old:
            f["hint"] = old["name"]
        return True
    if k == "set_column":
        f["column"] = mu["column"]
        return True
    if k == "change_type":
        if f["fk"] or f.get("wasfk"):
            return False    # rows of a later type could not satisfy the key a downgrade brings back
        for u, e in mu["enums"].items():
            s["enums"].setdefault(u, copy.deepcopy(e))
        if mu["type"]["kind"] == "Enum" and mu["type"]["enum"] not in s["enums"]:
            return False
        if (f["unique"] or referenced_fields(m, f["uid"])) and mu["type"]["kind"] in ("Boolean", "Enum"):
            return False    # rows could not stay distinct
        f["type"] = copy.deepcopy(mu["type"])
        f["intdata"] = False
        f["check"] = None
        if f["default"] is not None or f["not_null"]:
            f["default"] = mu["default"]
            if f["default"] is None:
                f["not_null"] = False
        return True
    if k == "nullability":
        if f["not_null"]:
            f["not_null"] = False
        else:
            if f["unique"] or f["fk"] or referenced_fields(m, f["uid"]):
                return False    # its NULLs would all become the one default (or reference nothing)
            if f["default"] is None:
                if mu["default"] is None or not default_kind_ok(mu["default"], f["type"], s):
                    return False
                f["default"] = mu["default"]
            f["not_null"] = True
        return True
    if k == "toggle_index":
        f["index"] = not f["index"]
        return True
    if k == "toggle_unique":
        if not f["unique"] and not uniqueable(f):
            return False
        f["unique"] = not f["unique"]
        return True
    if k == "composite_index":
        if m["indexes"]:
            m["indexes"].pop()
            return True
        if not mu["pair"] or not all(find(m["fields"], u) for u in mu["pair"]):
            return False
        if any(is_pk(m, find(m["fields"], u)) for u in mu["pair"]):
            return False
        uq = mu["unique"] and any(uniqueable(find(m["fields"], u)) for u in mu["pair"])
        m["indexes"].append({"uid": mu["uid"], "fields": list(mu["pair"]), "unique": uq})
        return True
    if k == "composite_unique":
        if m["uniques"]:
            m["uniques"].pop()
            return True
        if not mu["pair"] or not all(find(m["fields"], u) for u in mu["pair"]):
            return False
        if not any(uniqueable(find(m["fields"], u)) for u in mu["pair"]):
            return False
        m["uniques"].append({"uid": mu["uid"], "fields": list(mu["pair"])})
        return True
    if k == "check":
        f["check"] = None if f["check"] else mu["check"]
        return True
    if k == "table_check":
        if m["checks"]:
            m["checks"].pop()
        else:
            m["checks"].append({"uid": mu["uid"], "field": f["uid"]})
        return True
    if k == "default":
        if mu["drop"]:
            if f["not_null"] or f["default"] is None:
                return False
            f["default"] = None
        else:
            if mu["default"] is None or f["unique"] or f["fk"] or referenced_fields(m, f["uid"]):
                return False
            # the default was drawn for the type the field had then
            if default_kind_ok(mu["default"], f["type"], s):
                f["default"] = mu["default"]
            else:
                return False
        return True
    if k == "add_fk":
        if f["fk"] or f["type"]["kind"] != "Integer" or not f.get("intdata") or mu["target"] is None:
            return False
        t = find(models, mu["target"])
        if previous is None or not find(previous["models"], mu["target"]):
            return False    # its rows must be there for the ones referencing it
        if t is None or t["pk"] is not None or f["unique"] or referenced_fields(m, f["uid"]):
            return False
        if f["default"] is not None:
            return False
        f["fk"] = copy.deepcopy(mu["fk"])
        f["fk"]["model"] = t["uid"]
        f["wasfk"] = True
        no_set_null(f)
        return True
    if k == "drop_fk":
        if not f["fk"]:
            return False
        f["fk"] = None
        f["rel"] = False
        return True
    if k == "fk_actions":
        if not f["fk"]:
            return False
        f["fk"]["on_delete"] = mu["fk"]["on_delete"]
        f["fk"]["on_update"] = mu["fk"]["on_update"]
        no_set_null(f)
        return True
    if k == "rel":
        if not f["fk"]:
            return False
        f["rel"] = not f["rel"]
        return True
    if k in ("enum_add", "enum_remove", "enum_rename"):
        e = s["enums"].get(mu["enum"])
        if e is None:
            return False
        vals = e["values"]
        if mu["value"] in vals:
            return False
        i = mu["index"] % len(vals)
        if k == "enum_add":
            vals.append(mu["value"])
        elif k == "enum_remove":
            if len(vals) <= 1 or enum_default_uses(s, mu["enum"], vals[i]):
                return False
            del vals[i]
        else:
            if enum_default_uses(s, mu["enum"], vals[i]):
                return False
            vals[i] = mu["value"]
        return True
    return False


def default_kind_ok(d, t, s):
    k = t["kind"]
    if d == "now":
        return k in ("DateTime", "Date", "Time")
    if d in ("true", "false"):
        return k == "Boolean"
    if re.fullmatch(r"-?\d+", d):
        return family(k) == "int" or k in ("Float", "Numeric")
    if k == "Enum":
        return d in s["enums"][t["enum"]]["values"]
    if d.startswith('"'):
        if k == "StringN":
            return len(d) - 2 <= t["n"]
        if k == "JSON":
            return d == q("{}")
        if k in ("DateTime", "Date", "Time"):
            return d == q({"DateTime": "2020-01-01 00:00:00.000000", "Date": "2020-01-01",
                           "Time": "00:00:00.000000"}[k])
        return k in ("String", "Text")
    return False


def enum_default_uses(s, eu, value):
    for m in s["models"]:
        for f in m["fields"]:
            if f["type"]["kind"] == "Enum" and f["type"]["enum"] == eu and f["default"] == value:
                return True
    return False


def note_references(s):
    """Remembers the models other models' rows have referenced (see drop_model)."""
    refd = set(s.get("refd", []))
    for m in s["models"]:
        for f in m["fields"]:
            if f["fk"] and f["fk"]["model"] != m["uid"]:
                refd.add(f["fk"]["model"])
    s["refd"] = sorted(refd)


def fix_enum_defaults(s):
    """An enum default must stay a value of its enum."""
    note_references(s)
    for m in s["models"]:
        for f in m["fields"]:
            if f["type"]["kind"] == "Enum" and f["default"] is not None:
                vals = s["enums"][f["type"]["enum"]]["values"]
                if f["default"] not in vals:
                    f["default"] = vals[0]


def build_versions(case):
    """The schemas of a case: version 1 from its models, then each mutation chain."""
    s = {"models": [], "enums": {}}
    for mu in case["initial"]:
        apply_mutation(s, mu, None)
    fix_enum_defaults(s)
    versions = [copy.deepcopy(s)]
    for chain in case["chains"]:
        prev = versions[-1]
        cur = copy.deepcopy(prev)
        if not case.get("keep_hints", True):
            for m in cur["models"]:
                m["hint"] = None
                for f in m["fields"]:
                    f["hint"] = None
        for mu in chain:
            if apply_mutation(cur, mu, prev):
                STATS["change " + mu["kind"]] += 1
        fix_enum_defaults(cur)
        versions.append(cur)
    return versions


MAX_VERSIONS = 4


def draw_case(seed, index, nversions=None):
    rng = random.Random("%s/%s" % (seed, index))
    g = Gen(rng)
    s = g.schema()
    initial = []
    for m in s["models"]:
        initial.append({"kind": "add_model", "model": None, "field": None, "new": m, "enums": s["enums"]})
    n = nversions or rng.randint(2, MAX_VERSIONS)
    chains = []
    cur = copy.deepcopy(s)
    for _ in range(n - 1):
        chain = []
        prev = copy.deepcopy(cur)
        for _ in range(rng.randint(1, 3)):
            mu = draw_mutation(g, cur)
            chain.append(mu)
            apply_mutation(cur, mu, prev)
        fix_enum_defaults(cur)
        chains.append(chain)
    return {"seed": seed, "index": index, "initial": initial, "chains": chains, "rows": ROWS,
            "keep_hints": rng.random() < 0.7}


# ---- what a version change loses -------------------------------------------------------

def lossy(a, b):
    """Does going from schema a to b lose data (DSL.md 3)?  By uid."""
    for ma in a["models"]:
        mb = find(b["models"], ma["uid"])
        if mb is None:
            return True
        for fa in ma["fields"]:
            fb = find(mb["fields"], fa["uid"])
            if fb is None:
                return True
            if narrows(fa["type"], fb["type"], a["enums"], b["enums"]):
                return True
    return False


# ---- the database side -------------------------------------------------------------------

def norm_check(text):
    return re.sub(r"[\s\"`\[\]]", "", text).lower()


def checks_of(sql):
    """The CHECK clauses of a CREATE TABLE, normalized."""
    out = []
    i = 0
    up = sql.upper()
    while True:
        j = up.find("CHECK", i)
        if j < 0:
            break
        k = sql.find("(", j)
        depth, e = 0, k
        in_str = None
        while e < len(sql):
            c = sql[e]
            if in_str:
                if c == in_str:
                    in_str = None
            elif c in "'\"":
                in_str = c
            elif c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
                if depth == 0:
                    break
            e += 1
        out.append(norm_check(sql[k + 1:e]))
        i = e
    return sorted(out)


def fingerprint(path):
    """The schema of a database as SQLite reports it (no modelc code involved)."""
    db = sqlite3.connect(path)
    out = []
    try:
        tabs = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                          "AND name <> 'modelc_migrations' ORDER BY name").fetchall()
        for name, sql in tabs:
            qn = '"' + name.replace('"', '""') + '"'
            out.append("table %s%s" % (name, " AUTOINCREMENT" if "AUTOINCREMENT" in sql.upper() else ""))
            for cid, cname, ctype, notnull, dflt, pk in db.execute("PRAGMA table_info(%s)" % qn):
                out.append("  col %s %s notnull=%d default=%s pk=%d" % (cname, ctype.upper().replace(" ", ""),
                                                                          notnull, dflt, pk))
            idx = []
            for seq, iname, unique, origin, partial in db.execute("PRAGMA index_list(%s)" % qn):
                cols = [r[2] for r in db.execute("PRAGMA index_info(%s)" % ('"' + iname.replace('"', '""') + '"'))]
                idx.append("  index %s unique=%d origin=%s (%s)" % (iname if origin == "c" else "-", unique, origin,
                                                                    ", ".join(str(c) for c in cols)))
            out += sorted(idx)
            fks = {}
            for row in db.execute("PRAGMA foreign_key_list(%s)" % qn):
                fid, seq, table, frm, to, on_update, on_delete, match = row
                fks.setdefault(fid, []).append((table, frm, to, on_update, on_delete))
            out += sorted("  fk %s" % (v,) for v in fks.values())
            out += ["  check %s" % c for c in checks_of(sql)]
    finally:
        db.close()
    return "\n".join(out)


def norm_value(v):
    if isinstance(v, bool):
        v = int(v)
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, str):
        try:
            x = float(v)
            if x.is_integer() and re.fullmatch(r"-?\d+(\.0*)?", v.strip()):
                return ("n", int(x))
            if re.fullmatch(r"-?\d+\.\d+", v.strip()):
                return ("n", x)
        except ValueError:
            pass
        return ("s", v)
    if isinstance(v, (int, float)):
        return ("n", v)
    if isinstance(v, bytes):
        return ("b", v)
    return ("x", v)


def read_data(path, s):
    """{(model uid, field uid): sorted [(row key, value)]} for every column of s."""
    db = sqlite3.connect(path)
    out = {}
    try:
        for m in s["models"]:
            t = '"' + table_of(m).replace('"', '""') + '"'
            keys = [col_of(find(m["fields"], u)) for u in (m["pk"] or [m["fields"][0]["uid"]])]
            for f in m["fields"]:
                c = col_of(f)
                rows = db.execute("SELECT %s, %s FROM %s" % (", ".join('"%s"' % k for k in keys), '"%s"' % c, t))
                out[(m["uid"], f["uid"])] = sorted((tuple(r[:-1]), norm_value(r[-1])) for r in rows)
    finally:
        db.close()
    return out


def value_for(f, s, r, nrows):
    """A value of f's type for row r, distinct per row where f may be unique,
    valid for every constraint we generate, in every version."""
    k = f["type"]["kind"]
    if f["fk"]:
        return r
    if f.get("intdata") or f.get("wasfk"):
        return (r - 1) % nrows + 1     # could reference (or did) rows 1..nrows
    if family(k) == "int":
        return r
    if k == "Float":
        return r + 0.5
    if k == "Numeric":
        return "%d.%s" % (r, "0" * f["type"]["s"]) if f["type"]["s"] else str(r)
    if k == "Boolean":
        return r % 2
    if k == "StringN":
        return ("s%d" % r)[:f["type"]["n"]]
    if k in ("String", "Text"):
        return "text %d" % r
    if k == "DateTime":
        return "2024-01-0%d 12:00:00.000000" % r
    if k == "Date":
        return "2024-01-0%d" % r
    if k == "Time":
        return "12:00:0%d.000000" % r
    if k == "LargeBinary":
        return bytes([r, 0, 255])
    if k == "JSON":
        return '{"r": %d}' % r
    if k == "Enum":
        vals = s["enums"][f["type"]["enum"]]["values"]
        return vals[r % len(vals)]
    raise ValueError(k)


def insert_rows(path, s, models, nrows, rng):
    """nrows more rows into each of models, valid for schema s: keys go on
    from the largest (a composite key only into an empty table), foreign
    keys point at rows 1..nrows, which every table has."""
    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("BEGIN")
        db.execute("PRAGMA defer_foreign_keys=ON")
        for m in models:
            t = '"' + table_of(m).replace('"', '""') + '"'
            key = '"%s"' % col_of(m["fields"][0])
            start = db.execute("SELECT coalesce(max(%s), 0) FROM %s" % (key, t)).fetchone()[0]
            if m["pk"] is not None and start:
                continue
            cols = ['"%s"' % col_of(f) for f in m["fields"]]
            vals = []
            for r in range(start + 1, start + nrows + 1):
                row = []
                for f in m["fields"]:
                    v = value_for(f, s, r, nrows) if not is_pk(m, f) else r
                    if (not is_pk(m, f) and not f["not_null"] and not f["unique"]
                            and not referenced_fields(m, f["uid"]) and rng.random() < 0.25):
                        v = None
                    if f["fk"] and v is not None and not is_pk(m, f):
                        v = rng.randint(1, nrows)
                    row.append(v)
                vals.append(row)
            db.executemany("INSERT INTO %s (%s) VALUES (%s)" % (t, ", ".join(cols), ", ".join("?" * len(cols))), vals)
        db.execute("COMMIT")
    finally:
        db.close()


# ---- running a case -----------------------------------------------------------------

class Failure(Exception):
    pass


class Runner:
    def __init__(self, modelc, keep=False):
        self.modelc = modelc
        self.keep = keep

    def mc(self, *args, cwd=None):
        p = subprocess.run([self.modelc] + list(args), cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, timeout=60, env=dict(os.environ, MODELC_DATE="2024-01-01 00:00:00"))
        return p.returncode, p.stdout, p.stderr

    def fresh(self, work, schema_path, name):
        rc, out, err = self.mc("sql", schema_path)
        if rc != 0:
            raise Failure("modelc sql failed (an invalid schema from the generator?):\n" + err)
        path = os.path.join(work, name)
        if os.path.exists(path):
            os.remove(path)
        db = sqlite3.connect(path)
        db.executescript("PRAGMA synchronous=OFF; BEGIN;\n" + out + "\nCOMMIT;")
        db.close()
        return fingerprint(path)

    def run(self, case):
        # In memory where the machine has it: SQLite's syncs dominate otherwise.
        shm = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
        work = tempfile.mkdtemp(prefix="modelc-fuzz-", dir=shm)
        try:
            self.run_in(case, work)
        finally:
            if not self.keep:
                shutil.rmtree(work, ignore_errors=True)

    def run_in(self, case, work):
        rng = random.Random("%s/%s/data" % (case["seed"], case["index"]))
        versions = build_versions(case)
        mig = os.path.join(work, "migrations")
        os.mkdir(mig)
        schema = os.path.join(work, "app.model")
        dbp = os.path.join(work, "app.db")
        fps, datas, at_file = [], [], []   # per version: fresh fingerprint, data after it, file count
        nfiles = 0
        for i, s in enumerate(versions):
            with open(schema, "w") as fh:
                fh.write(render(s))
            fp = self.fresh(work, schema, "fresh.db")
            prev = versions[i - 1] if i else None
            loses = prev is not None and lossy(prev, s)
            before = listing(mig)
            rc, out, err = self.mc("migrate", schema, "--dir", mig)
            STATS["versions"] += 1
            if loses:
                STATS["lossy steps refused"] += 1
                if rc != 1 or "--allow-data-loss" not in err:
                    raise Failure("version %d loses data but migrate did not refuse it (exit %d):\n%s%s"
                                  % (i + 1, rc, out, err))
                if listing(mig) != before:
                    raise Failure("version %d: a refused migrate wrote something" % (i + 1))
                rc, out, err = self.mc("migrate", schema, "--dir", mig, "--allow-data-loss")
            if rc != 0:
                raise Failure("version %d: migrate failed (exit %d):\n%s%s" % (i + 1, rc, out, err))
            if "No changes" in out:
                STATS["versions without changes"] += 1
                if prev is None or fp != fps[-1] or enum_columns(prev) != enum_columns(s):
                    raise Failure("version %d: migrate found no changes, but the schema changed" % (i + 1))
            else:
                nfiles += 1
                if "DATA LOSS" in out and not loses:
                    raise Failure("version %d: migrate reports data loss the change does not have:\n%s"
                                  % (i + 1, out))
            rc, out, err = self.mc("migrate", schema, "--dir", mig)
            if rc != 0 or "No changes" not in out:
                raise Failure("version %d: migrate right after it is not 'No changes' (exit %d):\n%s%s"
                              % (i + 1, rc, out, err))
            rc, out, err = self.mc("upgrade", "--db", dbp, "--dir", mig)
            if rc != 0:
                raise Failure("version %d: upgrade failed:\n%s" % (i + 1, err))
            got = fingerprint(dbp)
            if got != fp:
                raise Failure("version %d: after upgrade the schema differs from modelc sql:\n%s"
                              % (i + 1, diff_text(got, fp)))
            if prev is not None:
                compare_data(read_data(dbp, s), datas[-1], prev, s, "version %d after upgrade" % (i + 1))
            # new tables get their first rows, the others more (valid for this version)
            try:
                insert_rows(dbp, s, s["models"], case["rows"], rng)
            except sqlite3.Error as e:
                raise Failure("version %d: the test's own rows do not fit (a bug of this test): %s" % (i + 1, e))
            fps.append(fp)
            datas.append(read_data(dbp, s))
            at_file.append(nfiles)
        # Down step by step to version 1.
        for i in range(len(versions) - 2, -1, -1):
            rc, out, err = self.mc("downgrade", "--db", dbp, "--dir", mig, "--to", str(at_file[i]))
            if rc != 0:
                raise Failure("downgrade to version %d failed:\n%s" % (i + 1, err))
            got = fingerprint(dbp)
            if got != fps[i]:
                raise Failure("downgrade to version %d: schema differs:\n%s" % (i + 1, diff_text(got, fps[i])))
            keep = survivors(versions[i:])
            compare_data(read_data(dbp, versions[i]), datas[i], versions[i], versions[i],
                         "downgrade to version %d" % (i + 1), keep, versions[i:])
        # And up again.
        rc, out, err = self.mc("upgrade", "--db", dbp, "--dir", mig)
        if rc != 0:
            raise Failure("upgrade again after the downgrades failed:\n%s" % err)
        got = fingerprint(dbp)
        if got != fps[-1]:
            raise Failure("upgrade again: schema differs:\n%s" % diff_text(got, fps[-1]))
        compare_data(read_data(dbp, versions[-1]), datas[-1], versions[-1], versions[-1], "upgrade again",
                     survivors(versions), versions)
        # An empty database through all of it.
        empty = os.path.join(work, "empty.db")
        rc, out, err = self.mc("upgrade", "--db", empty, "--dir", mig)
        if rc != 0:
            raise Failure("upgrading an empty database failed:\n%s" % err)
        got = fingerprint(empty)
        if got != fps[-1]:
            raise Failure("an empty database upgraded: schema differs:\n%s" % diff_text(got, fps[-1]))
        rc, out, err = self.mc("check", schema, "--db", dbp, "--dir", mig)
        if rc != 0:
            raise Failure("modelc check after all of it: exit %d\n%s%s" % (rc, out, err))


def listing(d):
    out = []
    for n in sorted(os.listdir(d)):
        with open(os.path.join(d, n), "rb") as fh:
            out.append((n, fh.read()))
    return out


def enum_columns(s):
    out = []
    for m in s["models"]:
        for f in m["fields"]:
            if f["type"]["kind"] == "Enum":
                out.append((m["uid"], f["uid"], tuple(sorted(s["enums"][f["type"]["enum"]]["values"]))))
    return sorted(out)


def survivors(versions):
    """(model uid, field uid) present in every one of versions."""
    keep = None
    for s in versions:
        here = {(m["uid"], f["uid"]) for m in s["models"] for f in m["fields"]}
        keep = here if keep is None else keep & here
    return keep


def compare_data(got, want, a, b, what, keep=None, span=None):
    """got (data of schema b) must hold want (data of schema a) in every column of keep.
    span: the versions the data went through (a NULL made NOT NULL with a default became it)."""
    if keep is None:
        keep = survivors([a, b])
    span = span or [a, b]
    for key in sorted(keep):
        if key not in want:
            continue
        if key not in got:
            raise Failure("%s: column %s is gone" % (what, key))
        # Primary key columns keep their values, so the rows pair up by key.
        g, w = got[key], want[key]
        fa = find(find(a["models"], key[0])["fields"], key[1])
        if not fa["not_null"] and any(find(find(v["models"], key[0])["fields"], key[1])["not_null"] for v in span):
            # made NOT NULL with a server default: the NULLs got the default
            nulls = {k for k, v in w if v == ("x", None)}
            g = [(k, v) for k, v in g if k not in nulls]
            w = [(k, v) for k, v in w if k not in nulls]
        # Rows inserted by later versions may stay after a downgrade.
        keys = {k for k, v in w}
        g = [(k, v) for k, v in g if k in keys]
        if g != w:
            m = find(b["models"], key[0])
            f = find(m["fields"], key[1])
            raise Failure("%s: %s.%s holds\n  %s\nnot\n  %s" % (what, table_of(m), col_of(f), got[key], want[key]))


def diff_text(got, want):
    g, w = got.splitlines(), want.splitlines()
    out = []
    for line in w:
        if line not in g:
            out.append("- " + line + "   (modelc sql has it)")
    for line in g:
        if line not in w:
            out.append("+ " + line + "   (the migrated database has it)")
    return "\n".join(out)


# ---- shrinking and reporting -------------------------------------------------------------

def fails(runner, case):
    try:
        runner.run(case)
        return None
    except Failure as e:
        return str(e)
    except subprocess.TimeoutExpired as e:
        return "timeout: %s" % e


def shrink(runner, case, budget_s):
    """Smaller cases that still fail: fewer versions, changes, models, rows."""
    deadline = time.time() + budget_s
    best = case
    changed = True
    while changed and time.time() < deadline:
        changed = False
        cands = []
        for i in range(len(best["chains"])):
            c = copy.deepcopy(best)
            del c["chains"][i]
            cands.append(c)
        for i, chain in enumerate(best["chains"]):
            for j in range(len(chain)):
                c = copy.deepcopy(best)
                del c["chains"][i][j]
                cands.append(c)
        for i in range(len(best["initial"])):
            c = copy.deepcopy(best)
            del c["initial"][i]
            cands.append(c)
        if best["rows"] > 1:
            c = copy.deepcopy(best)
            c["rows"] = 1
            cands.append(c)
        for c in cands:
            if time.time() >= deadline:
                break
            if any(not ch for ch in c["chains"]):
                c["chains"] = [ch for ch in c["chains"] if ch]
            if not c["initial"]:
                continue
            if fails(runner, c):
                best = c
                changed = True
                break
    return best


def report(case, message, args):
    versions = build_versions(case)
    print("=" * 72)
    print("FAIL: seed %s case %s" % (case["seed"], case["index"]))
    print(message)
    print("-- reproduction (mkdir migrations; for each version: write app.model, "
          "modelc migrate app.model [--allow-data-loss], modelc upgrade; "
          "%d rows per new table) --" % case["rows"])
    for i, s in enumerate(versions):
        print("# version %d" % (i + 1))
        print(render(s))
    print("again: python3 tests/fuzz_migrations.py --modelc %s --seed %s --case %s --max-versions %d"
          % (args.modelc, case["seed"], case["index"], MAX_VERSIONS))
    sys.stdout.flush()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--modelc", default=os.environ.get("MODELC", "build/modelc"))
    ap.add_argument("--seed", default="1")
    ap.add_argument("--cases", type=int, default=100)
    ap.add_argument("--case", type=int, default=None, help="run this one case of the seed")
    ap.add_argument("--minutes", type=float, default=None, help="run cases until this much time has passed")
    ap.add_argument("--shrink-seconds", type=float, default=60)
    ap.add_argument("--keep", action="store_true", help="keep the work directories")
    ap.add_argument("--max-failures", type=int, default=3)
    ap.add_argument("--stats", action="store_true", help="print what the cases did")
    ap.add_argument("--max-versions", type=int, default=4, help="versions per case: 2 to this")
    args = ap.parse_args()
    args.modelc = os.path.abspath(args.modelc)
    global MAX_VERSIONS
    MAX_VERSIONS = max(2, args.max_versions)
    runner = Runner(args.modelc, args.keep)
    start = time.time()
    indexes = [args.case] if args.case is not None else None
    n = failures = 0
    i = 0
    while True:
        if indexes is not None:
            if not indexes:
                break
            idx = indexes.pop()
        else:
            if args.minutes is not None:
                if time.time() - start > args.minutes * 60:
                    break
            elif i >= args.cases:
                break
            idx = i
            i += 1
        case = draw_case(args.seed, idx)
        msg = fails(runner, case)
        n += 1
        if msg:
            failures += 1
            small = shrink(runner, case, args.shrink_seconds)
            report(small, fails(runner, small) or msg, args)
            if failures >= args.max_failures:
                break
    if args.stats:
        for k in sorted(STATS):
            print("  %-32s %d" % (k, STATS[k]))
    print("fuzz-migrations: seed %s: %d cases, %d failures, %.1f s" % (args.seed, n, failures, time.time() - start))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
