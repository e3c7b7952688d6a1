#!/usr/bin/python3
"""bench/ratios.py: every everyday mipsreview command as a ratio to the
sqlite3 shell doing the same work on the same database, at several sizes of
the national population, both sides run interleaved in the same run.

Absolute times differ 3-5x between machines of the same kind (process
start-up dominates), so only a ratio measured side by side means anything:
a busy neighbour slows both sides alike.  Run it through "make bench".

Environment:
  BENCH_SIZES     case counts, default "10000 100000 541421 5414210"
                  (5,414,210 is ten years of the national population)
  BENCH_CMD_RUNS  runs per command and side (default 21)
  BENCH_QUICK_RUNS import runs per side up to 100,000 cases (default 9)
  BENCH_RUNS      import runs per side up to a million cases (default 5)
  BENCH_BIG_RUNS  import runs per side above a million cases (default 1)
  BENCH_DIR       scratch folder (default: a fresh temporary one)
Arguments: MIPSREVIEW MRGEN OUT.md
"""
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

GOAL_CMD = 1.5          # each everyday command vs the sqlite3 shell
GOAL_IMPORT_WALL = 1.0  # import vs .import with indexes built after
GOAL_IMPORT_CPU = 1.5
GOAL_IMPORT_MB = 32.0
GOAL_FEED = 2.0         # export ics of 10,000 deadlines vs sqlite3 -json
# Above this many cases an import takes minutes: BENCH_BIG_RUNS runs each
# side, so that the whole bench, all sizes, fits in 20 minutes.
BIG = 1000000
# Up to this many an import takes under a second, and the noise of a
# shared machine between three runs (10-15 %) is larger than the margin
# to its goal: BENCH_QUICK_RUNS runs each side.
QUICK = 100000

DEVNULL = os.open(os.devnull, os.O_WRONLY)


def run(argv, env=None):
    """Run argv with stdout and stderr to /dev/null; return (wall ms,
    cpu ms).  posix_spawn and wait4 cost both sides alike."""
    t0 = time.perf_counter_ns()
    pid = os.posix_spawnp(argv[0], argv, env if env is not None else os.environ,
                          file_actions=[(os.POSIX_SPAWN_DUP2, DEVNULL, 1),
                                        (os.POSIX_SPAWN_DUP2, DEVNULL, 2)])
    _, status, ru = os.wait4(pid, 0)
    wall = (time.perf_counter_ns() - t0) / 1e6
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("bench: failed (%d): %s" % (os.waitstatus_to_exitcode(status),
                                              " ".join(argv)))
    return wall, (ru.ru_utime + ru.ru_stime) * 1000


def peak_mb(argv, env=None, prep=None):
    """The peak RSS of argv in MB, as GNU time reports it.  (wait4's own
    figure for a child spawned from here starts at this Python process's
    size: the child shares its memory until it calls exec.)"""
    if prep:
        prep()
    with tempfile.NamedTemporaryFile("r") as f:
        run(["/usr/bin/time", "-f", "%M", "-o", f.name] + argv, env)
        return int(f.read().split()[-1]) / 1024


def spread(sa, sb):
    """The 25th and 75th percentiles of the wall-time ratios of the runs
    taken in turn (a's i-th run over b's i-th): how far a ratio moves
    between neighbouring runs on a shared machine, the noise to read a
    ratio near its goal against."""
    rs = sorted(x[0] / y[0] for x, y in zip(sa, sb))
    q = statistics.quantiles(rs, n=4) if len(rs) > 1 else rs * 3
    return q[0], q[2]


def pair(a, b, runs, prep=None):
    """Time a and b alternately runs times (after a warm-up of each);
    return their median wall times, CPU times and peak RSS, and the
    spread of the ratios of the runs taken in turn."""
    sa, sb = [], []
    for i in range(runs + 2):
        for argv, out in ((a, sa), (b, sb)):
            if prep:
                prep()
            r = run(argv)
            if i >= 2:
                out.append(r)
    med = lambda xs, k: statistics.median(x[k] for x in xs)
    return ([med(sa, 0), med(sa, 1), peak_mb(a, prep=prep), spread(sa, sb)],
            [med(sb, 0), med(sb, 1), peak_mb(b, prep=prep)])


def shell(db, sql, json=False):
    return ["sqlite3"] + (["-json"] if json else []) + [db, sql]


# The sqlite3 shell's side of each command: the query the command runs
# (lib/mr_case.c, lib/mr_deadline.c, lib/mr_evidence.c), against the
# same file, with the same unary + that keeps SQLite off an index (the
# own deadlines are found by theirs, not by the status's).
OPEN_STATES = "('draft', 'ready', 'submitted', 'documents-requested')"
CASE_COLUMNS = ("id, tin, npi, name, practice, participation, "
                "performance_year, status, reasons, final_score, "
                "payment_adjustment, quality_score, cost_score, ia_score, "
                "pi_score, owner, created_at, updated_at, deadline_at, "
                "deadline_zone, deadline_source, filing_id")
DEADLINES = ("WITH tr AS (SELECT * FROM (SELECT id, performance_year, "
             "closes_at, zone, source, updated_at, row_number() OVER "
             "(PARTITION BY performance_year ORDER BY closes_at DESC, id DESC)"
             " AS rn FROM review_window WHERE kind = 'targeted-review') "
             "WHERE rn = 1) SELECT c.id, c.name, c.tin, c.npi, c.status, "
             "c.performance_year, w.closes_at, w.zone, w.source FROM tr w "
             "JOIN review_case c ON c.performance_year = w.performance_year "
             "WHERE c.deadline_at IS NULL AND c.status IN " + OPEN_STATES +
             " AND w.closes_at BETWEEN %d AND %d %s "
             "UNION ALL SELECT c.id, c.name, c.tin, c.npi, c.status, "
             "c.performance_year, c.deadline_at, c.deadline_zone, "
             "c.deadline_source FROM review_case c WHERE c.deadline_at "
             "BETWEEN %d AND %d AND +c.status IN " + OPEN_STATES + " %s "
             "ORDER BY 7")


def deadlines(lo, hi, extra=""):
    return DEADLINES % (lo, hi, extra, lo, hi, extra)


# export ics: the query lib/mr_deadline.c runs for a calendar, as it is
# (decided cases too, the same columns, the hardship filings' part, the
# same order), with the bounds it binds when no --within is given.
EXPORT = ("WITH tr AS (SELECT * FROM (SELECT id, performance_year, closes_at, "
          "zone, source, updated_at, row_number() OVER (PARTITION BY "
          "performance_year ORDER BY closes_at DESC, id DESC) AS rn FROM "
          "review_window WHERE kind = 'targeted-review') WHERE rn = 1 AND "
          "closes_at BETWEEN {lo} AND {hi}) SELECT 'case', c.id, "
          "'targeted-review', c.name, c.tin, coalesce(c.npi, ''), c.status, "
          "c.performance_year, w.closes_at, w.zone, w.source, w.id, "
          "c.revision, max(c.updated_at, w.updated_at), c.owner FROM tr w "
          "JOIN review_case c ON c.performance_year = w.performance_year "
          "WHERE c.deadline_at IS NULL{case} UNION ALL SELECT 'case', c.id, "
          "'targeted-review', c.name, c.tin, coalesce(c.npi, ''), c.status, "
          "c.performance_year, c.deadline_at, c.deadline_zone, "
          "coalesce(c.deadline_source, 'deadline set on the case'), 0, "
          "c.revision, c.updated_at, c.owner FROM review_case c WHERE "
          "c.deadline_at BETWEEN {lo} AND {hi}{case} UNION ALL SELECT "
          "'hardship', f.id, w.kind, coalesce(f.name, f.event), f.tin, "
          "coalesce(f.npi, ''), f.status, f.performance_year, w.closes_at, "
          "w.zone, w.source, w.id, f.revision, max(f.updated_at, "
          "w.updated_at), f.owner FROM hardship_filing f JOIN review_window w "
          "ON w.id = f.window_id WHERE w.closes_at BETWEEN {lo} AND {hi}"
          "{filing} ORDER BY 9, 1, 2")


def export(tin=None):
    return EXPORT.format(lo=-(1 << 63), hi=(1 << 63) - 1,
                         case=" AND c.tin = '%s'" % tin if tin else "",
                         filing=" AND f.tin = '%s'" % tin if tin else "")


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


class Table:
    def __init__(self):
        self.rows = []

    def add(self, *cells):
        self.rows.append(cells)

    def markdown(self, head):
        out = ["| " + " | ".join(head) + " |",
               "|" + " --- |" * len(head)]
        out += ["| " + " | ".join(str(c) for c in r) + " |" for r in self.rows]
        return "\n".join(out)


def verdict(ratio, goal):
    return "met" if ratio <= goal else "**missed**"


def import_runs(mr, csv, w, runs):
    """mipsreview import against sqlite3 .import with the indexes built
    after the load, interleaved; returns medians and the imported db."""
    after = os.path.join(w, "shell-after.sql")
    with open(after, "w") as f:
        f.write("PRAGMA journal_mode = WAL;\nPRAGMA synchronous = FULL;\n"
                "CREATE TABLE clinician (tin TEXT, npi TEXT, name TEXT, "
                "year INTEGER, reason TEXT, score REAL, adjustment REAL, "
                "practice TEXT, participation TEXT, owner TEXT, note TEXT, "
                "quality REAL, cost REAL, ia REAL, pi REAL);\n"
                ".import --csv --skip 1 %s clinician\n"
                "CREATE INDEX clinician_tin ON clinician (tin, year);\n"
                "CREATE INDEX clinician_npi ON clinician (npi);\n"
                "CREATE INDEX clinician_year ON clinician (year);\n" % csv)
    db = os.path.join(w, "national.db")
    shelldb = os.path.join(w, "shell.db")
    env = dict(os.environ, MIPSREVIEW_DB=db)
    mine, theirs = [], []
    for _ in range(runs):
        for p in (shelldb, db):
            for s in ("", "-wal", "-shm"):
                if os.path.exists(p + s):
                    os.unlink(p + s)
        theirs.append(run(["sh", "-c", "sqlite3 %s <%s" % (shelldb, after)]))
        mine.append(run([mr, "import", csv], env))
    # Peak memory: once more each, under GNU time.
    for p in (shelldb, db):
        for s in ("", "-wal", "-shm"):
            if os.path.exists(p + s):
                os.unlink(p + s)
    rss_theirs = peak_mb(["sh", "-c", "sqlite3 %s <%s" % (shelldb, after)])
    rss_mine = peak_mb([mr, "import", csv], env)
    med = lambda xs, k: statistics.median(x[k] for x in xs)
    return ([med(mine, 0), med(mine, 1), rss_mine],
            [med(theirs, 0), med(theirs, 1), rss_theirs], db)


def commands(mr, db, now):
    """The everyday commands and their sqlite3 equivalents on db."""
    con = sqlite3.connect(db)
    n = con.execute("SELECT max(id) FROM review_case").fetchone()[0]
    mid = n // 2
    tin, year = con.execute("SELECT tin, performance_year FROM review_case "
                            "WHERE id = ?", (mid,)).fetchone()
    ntin = con.execute("SELECT count(*) FROM review_case WHERE tin = ?",
                       (tin,)).fetchone()[0]
    con.close()
    lo, hi = now, now + 30 * 86400
    show_sql = ("SELECT %s FROM review_case WHERE id = %d; "
                "SELECT closes_at, zone, source FROM review_window WHERE "
                "performance_year = %d AND kind = 'targeted-review' ORDER BY "
                "closes_at DESC LIMIT 1; SELECT at, who, body FROM case_note "
                "WHERE case_id = %d; SELECT kind, count(*) FROM evidence WHERE "
                "subject = 'case' AND subject_id = %d GROUP BY kind; "
                "SELECT * FROM evidence_requirement;"
                % (CASE_COLUMNS, mid, year, mid, mid))
    check_sql = ("SELECT reasons FROM review_case WHERE id = %d; "
                 "SELECT kind, count(*) FROM evidence WHERE subject = 'case' "
                 "AND subject_id = %d GROUP BY kind; "
                 "SELECT * FROM evidence_requirement;" % (mid, mid))
    list_sql = ("SELECT %s FROM review_case WHERE tin = '%s' ORDER BY id"
                % (CASE_COLUMNS, tin))
    add_sql = ("BEGIN; INSERT INTO review_case (tin, npi, name, "
               "performance_year, status, reasons, revision, created_at, "
               "updated_at) VALUES ('999999999', '1234567893', 'Bench', 2023, "
               "'draft', 'other', 0, '%s', '%s'); INSERT INTO audit (at, who, "
               "entity, entity_id, action, before, after, prev_hash, hash) "
               "VALUES ('%s', 'bench', 'case', last_insert_rowid(), 'add', "
               "NULL, '{}', '0', '0'); COMMIT;" % ((iso(now),) * 3))

    def reset_add():
        c = sqlite3.connect(db)
        c.execute("DELETE FROM review_case WHERE tin = '999999999'")
        c.commit()
        c.close()

    def forget_zones():
        # A calendar keeps each zone's VTIMEZONE in the database, and the
        # runs above measure a calendar written again; this one, the first
        # calendar of a zone (and again after a tzdata update), has libical
        # make it and keeps it.
        c = sqlite3.connect(db)
        c.execute("DELETE FROM zone_vtimezone")
        c.commit()
        c.close()

    return [
        ("--version", [mr, "--version"], ["sqlite3", "-version"], None),
        ("add", [mr, "add", "--tin", "999999999", "--npi", "1234567893",
                 "--name", "Bench", "--year", "2023", "--reason", "other"],
         shell(db, add_sql), reset_add),
        ("show", [mr, "show", str(mid)], shell(db, show_sql), None),
        ("list --tin (%d cases)" % ntin, [mr, "list", "--tin", tin],
         shell(db, list_sql), None),
        ("due --within 30d", [mr, "due", "--within", "30d"],
         shell(db, deadlines(lo, hi)), None),
        ("check", [mr, "check", str(mid)], shell(db, check_sql), None),
        ("export ics --tin", [mr, "export", "ics", "--tin", tin],
         shell(db, export(tin), True), None),
        ("export ics --tin, zones not yet kept", [mr, "export", "ics",
                                                   "--tin", tin],
         shell(db, export(tin), True), forget_zones),
    ]


def feed(mr, w, runs):
    """export ics of 10,000 open deadlines against sqlite3 -json
    selecting the same rows."""
    db = os.path.join(w, "feed.db")
    env = dict(os.environ, MIPSREVIEW_DB=db)
    subprocess.run([mr, "list"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    con = sqlite3.connect(db)
    con.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM "
                "n WHERE i < 10000) INSERT INTO review_case (tin, name, "
                "performance_year, status, reasons, revision, created_at, "
                "updated_at) SELECT printf('%09d', 100000000 + i), "
                "'Dr. Bench Clinician ' || i, 2023 + i % 2, 'draft', 'other', "
                "0, '2024-09-01T00:00:00Z', '2024-09-01T00:00:00Z' FROM n")
    con.commit()
    con.close()
    os.environ["MIPSREVIEW_DB"] = db
    a, b = pair([mr, "export", "ics"], shell(db, export(), True), runs)
    del os.environ["MIPSREVIEW_DB"]
    return a, b


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: ratios.py MIPSREVIEW MRGEN OUT.md")
    mr, gen, outfile = (os.path.abspath(p) for p in sys.argv[1:])
    for t in ("sqlite3",):
        if shutil.which(t) is None:
            sys.exit("bench: %s is missing (contrib/install-deps.sh --bench)" % t)
    sizes = [int(s) for s in os.environ.get(
        "BENCH_SIZES", "10000 100000 541421 5414210").split()]
    cmd_runs = int(os.environ.get("BENCH_CMD_RUNS", "21"))
    quick_runs = int(os.environ.get("BENCH_QUICK_RUNS", "9"))
    imp_runs = int(os.environ.get("BENCH_RUNS", "5"))
    big_runs = int(os.environ.get("BENCH_BIG_RUNS", "1"))
    w = os.environ.get("BENCH_DIR") or tempfile.mkdtemp(prefix="mrratio.")
    os.environ.pop("MIPSREVIEW_NOW", None)
    os.environ.pop("MIPSREVIEW_CONFIG", None)
    os.environ["NO_COLOR"] = "1"
    now = int(time.time())
    table, growth = Table(), Table()
    prev = {}
    started = time.time()
    try:
        for n in sizes:
            print("bench: %d cases" % n, file=sys.stderr)
            csv = os.path.join(w, "population.csv")
            with open(csv, "wb") as f:
                subprocess.run([gen, str(n)], stdout=f, check=True)
            runs_here = (quick_runs if n <= QUICK else
                         imp_runs if n <= BIG else big_runs)
            a, b, db = import_runs(mr, csv, w, runs_here)
            os.unlink(csv)
            r = a[0] / b[0]
            table.add(n, "import (%d run%s each)" % (
                runs_here, "" if runs_here == 1 else "s"), "%.0f ms" % a[0],
                      "sqlite3 .import, indexes after: %.0f ms" % b[0],
                      "%.2fx" % r, "<= %.1fx" % GOAL_IMPORT_WALL,
                      verdict(r, GOAL_IMPORT_WALL))
            r = a[1] / b[1]
            table.add(n, "import CPU (user + system)", "%.0f ms" % a[1],
                      "%.0f ms" % b[1], "%.2fx" % r,
                      "<= %.1fx" % GOAL_IMPORT_CPU, verdict(r, GOAL_IMPORT_CPU))
            table.add(n, "import peak RSS", "%.1f MB" % a[2],
                      "%.1f MB" % b[2], "-", "< %d MB" % GOAL_IMPORT_MB,
                      "met" if a[2] < GOAL_IMPORT_MB else "**missed**")
            growth_row = {"import": a[0], "import peak RSS": a[2]}
            os.environ["MIPSREVIEW_DB"] = db
            for label, mine, theirs, prep in commands(mr, db, now):
                a, b = pair(mine, theirs, cmd_runs, prep)
                r = a[0] / b[0]
                key = label.split(" (")[0]
                # Once per zone and year: reported, not an everyday command.
                once = label.endswith(", zones not yet kept")
                table.add(n, "`%s`" % label if not once else
                          "`%s`, zones not yet kept" % label.split(",")[0],
                          "%.2f ms (CPU %.2f), %.1f MB" % (a[0], a[1], a[2]),
                          "%.2f ms (CPU %.2f)" % (b[0], b[1]),
                          "%.2fx (runs %.2f-%.2f; CPU %.2fx)" % (
                              r, a[3][0], a[3][1], a[1] / b[1]),
                          "-" if once else "<= %.1fx" % GOAL_CMD,
                          "once per zone and year" if once else
                          verdict(r, GOAL_CMD))
                if once:
                    continue
                growth_row[key] = a[0]
                growth_row[key + " peak RSS"] = a[2]
            del os.environ["MIPSREVIEW_DB"]
            for k, v in growth_row.items():
                if k in prev:
                    unit = "MB" if k.endswith("RSS") else "ms"
                    growth.add("%d -> %d" % (prev["n"], n), k,
                               "%.1f -> %.1f %s" % (prev[k], v, unit),
                               "%.2fx" % (v / prev[k] if prev[k] else 0))
            prev = dict(growth_row, n=n)
            for s in ("", "-wal", "-shm"):
                if os.path.exists(db + s):
                    os.unlink(db + s)
        a, b = feed(mr, w, max(5, cmd_runs // 3))
        r = a[0] / b[0]
        table.add(10000, "`export ics` (10,000 deadlines)",
                  "%.1f ms (CPU %.1f), %.1f MB" % (a[0], a[1], a[2]),
                  "sqlite3 -json, same rows: %.1f ms (CPU %.1f)" % (b[0], b[1]),
                  "%.2fx (runs %.2f-%.2f; CPU %.2fx)" % (
                      r, a[3][0], a[3][1], a[1] / b[1]),
                  "<= %.1fx" % GOAL_FEED, verdict(r, GOAL_FEED))
    finally:
        if not os.environ.get("BENCH_DIR"):
            shutil.rmtree(w, ignore_errors=True)
    ver = subprocess.run([mr, "--version"], capture_output=True,
                         text=True).stdout.strip()
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    text = "\n".join([
        "## Ratios to the sqlite3 shell (bench/ratios.py)",
        "",
        "Measured on %s: %d cores, %s, %s, sqlite3 %s. Load average at the "
        "end: %s. Whole run: %.0f s." % (
            time.strftime("%Y-%m-%d"), os.cpu_count(), cpu, ver,
            subprocess.run(["sqlite3", "-version"], capture_output=True,
                           text=True).stdout.split()[0], load,
            time.time() - started),
        "",
        "Each row's two sides ran alternately in the same run (medians of %d "
        "whole processes each for commands; for imports %d up to %d cases, "
        "%d up to %d, %d above); absolute times vary 3-5x between machines, the ratios are "
        "what is compared. The yardstick is the sqlite3 shell running the "
        "query the command runs on the same database (for `add`, the same "
        "insert and an audit row in one transaction; for `export ics`, the "
        "query of lib/mr_deadline.c as the calendar runs it; for "
        "`--version`, `sqlite3 -version`). A command's ratio is of wall "
        "times (the goal); \"runs\" gives the 25th-75th percentiles of the "
        "ratios of the runs taken in turn, the noise of the shared machine "
        "to read a ratio near its goal against, and CPU the ratio of user + "
        "system time." % (cmd_runs, quick_runs, QUICK, imp_runs, BIG,
                          big_runs),
        "",
        table.markdown(["cases", "what", "mipsreview (median, peak RSS)",
                        "yardstick (median)", "ratio", "goal", "verdict"]),
        "",
        "### Growth from each size to the next (mipsreview's medians)",
        "",
        growth.markdown(["sizes", "what", "median", "growth"]),
        ""])
    print(text)
    with open(outfile, "w") as f:
        f.write(text + "\n")


if __name__ == "__main__":
    main()
