#!/usr/bin/env python3
"""Seeds N accounts directly in Sigil's database, copied from a template account made
through the pages (crates/server/examples/flood `template`): every row the template has
in users, field_values, field_privacy and consents is copied for accounts 1..N, with
login userN, a verified address userN@bench.example, the template's password hash (argon2id,
computed once by Sigil) and an id computed from N (see `account_id` in the flood
example). Field privacy (three public fields) is copied for even N only, so half the
profiles show fields to visitors. Sigil must not be running.

usage: seed_accounts.py sqlite PATH N | seed_accounts.py postgres URL N
"""
import subprocess
import sqlite3
import sys
import time

engine, where, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
TEMPLATE = "template"
CLONED = ["users", "field_values", "field_privacy", "consents"]
H = "(seq.n * 42429746071) & 281474976710655"
if engine == "sqlite":
    ID = f"printf('%08x-%04x-4000-8000-%012x', ({H}) >> 16, ({H}) & 65535, seq.n)"
    SEQ = f"(WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {count}) SELECT n FROM s) AS seq"
    TRUE = "1"
    NO_PRIVACY = "json_set(t.fields, '$.p', json('{}'))"
else:
    ID = (f"lpad(to_hex(({H}) >> 16), 8, '0') || '-' || lpad(to_hex(({H}) & 65535), 4, '0')"
          f" || '-4000-8000-' || lpad(to_hex(seq.n), 12, '0')")
    SEQ = f"generate_series(1, {count}) AS seq(n)"
    TRUE = "TRUE"
    NO_PRIVACY = "jsonb_set(t.fields, '{p}', '{}'::jsonb)"


def psql(sql):
    out = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", where, "-c", sql],
                         check=True, capture_output=True, text=True)
    return [line.split("|") for line in out.stdout.splitlines() if line]


if engine == "sqlite":
    db = sqlite3.connect(where, isolation_level=None)
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA cache_size = -1000000")
    query = lambda sql: db.execute(sql).fetchall()
    columns = lambda t: [r[1] for r in query(f"PRAGMA table_info({t})")]
    tables = [r[0] for r in query("SELECT name FROM sqlite_master WHERE type = 'table'")]
else:
    query = psql
    columns = lambda t: [r[0] for r in psql(
        f"SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
        f"AND table_name = '{t}' ORDER BY ordinal_position")]
    tables = [r[0] for r in psql(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")]

rows = query(f"SELECT id FROM users WHERE login = '{TEMPLATE}'")
assert rows, "no template account: run the flood example's `template` first"
template = rows[0][0]

statements = []
for table in CLONED:
    cols = columns(table)
    key = "id" if table == "users" else "user_id"
    exprs = []
    for c in cols:
        if c == key:
            exprs.append(ID)
        elif table == "users" and c == "login":
            exprs.append("'user' || seq.n")
        elif table == "users" and c == "email":
            exprs.append("'user' || seq.n || '@bench.example'")
        elif table == "users" and c == "email_verified":
            exprs.append(TRUE)
        elif table == "users" and c in ("phone", "photo", "photo_small"):
            exprs.append("NULL")
        elif table == "users" and c == "fields":
            # The field document (migration 0028) the triggers would have made: the
            # template's, without its privacy choices where those are not copied.
            exprs.append(f"CASE WHEN seq.n % 2 = 0 THEN t.fields ELSE {NO_PRIVACY} END")
        else:
            exprs.append(f"t.{c}")
    only_even = " AND seq.n % 2 = 0" if table == "field_privacy" else ""
    statements.append((table, f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(exprs)} "
                              f"FROM {table} AS t, {SEQ} WHERE t.{key} = '{template}'{only_even}"))

# What else holds rows of the template (nothing is expected besides its session, events
# and the like, which a seeded account need not have).
others = []
for table in tables:
    if table in CLONED or "user_id" not in columns(table):
        continue
    n = int(query(f"SELECT COUNT(*) FROM {table} WHERE user_id = '{template}'")[0][0])
    if n:
        others.append(f"{table} ({n})")

# Rows go in in the order of n, so ids (and every B-tree keyed by them) fill at random,
# as real registrations do: pages split and stay partly empty as in a grown database.
# (Sorting by key made seeding 1 M accounts on PostgreSQL only ~25 % faster, and would
# pack the pages tighter than real life.)
# The triggers that move a person's profile version and rebuild their field document
# (migrations 0027 and 0028) are off while copying: each copied field would update its
# account's row once more; the document is copied with the row (above), and a seeded
# account's version may well stay at the template's.
started = time.time()
timings = []
if engine == "sqlite":
    db.execute("BEGIN")
    triggers = query("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                     "AND tbl_name IN ('users', 'field_values', 'field_privacy')")
    for name, _ in triggers:
        db.execute(f"DROP TRIGGER {name}")
    for table, sql in statements:
        t = time.time()
        db.execute(sql)
        timings.append(f"{table} {time.time() - t:.0f} s")
    for _, sql in triggers:
        db.execute(sql)
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
else:
    for table, sql in statements:
        t = time.time()
        psql(f"SET session_replication_role = replica; {sql}")
        timings.append(f"{table} {time.time() - t:.0f} s")
    # What autovacuum would have done by the time a real database reached this size,
    # and the checkpoints since: the pages the seeding and the vacuum dirtied are
    # written out now, not by a checkpoint in the middle of a measurement (the SQLite
    # branch checkpoints its WAL likewise).
    t = time.time()
    psql("VACUUM ANALYZE")
    psql("CHECKPOINT")
    timings.append(f"vacuum analyze and checkpoint {time.time() - t:.0f} s")
print(f"seeded {count} accounts in {time.time() - started:.1f} s ({', '.join(timings)}; "
      f"{', '.join(CLONED)} copied from the template; not copied: {', '.join(others) or 'nothing'})")
