#!/usr/bin/python3
"""bench/web.py: the office's pages and API at the national size, as ratios
to yardsticks measured in the same run.

At BENCH_WEB_CASES cases (default 541,421, one year of the national
population) plus a practice with 1,000 open cases and one with 100:
  - GET /app/due signed in as an officer of the 1,000-case practice (the
    page lists that practice's 1,000 deadlines);
  - GET /api/v1/cases?tin=... with a bearer token: one page of 100 cases;
  - GET /api/v1/due as a viewer of both practices (an account limited to
    two TINs), whole and its first page of 100, and GET /app/due as that
    viewer;
each against
  - the calendar feed's 304 path (a conditional GET answered 304 Not
    Modified, the cheapest request mipsreviewd serves), and
  - the CLI's --json for the same data: "mipsreview due --within 3d
    --json", whose only items are the practice's 1,000 cases (every other
    deadline of the population has passed), and "mipsreview list --tin
    ... --json" of the 100-case practice;
  - for the two-TIN due, the admin's GET /api/v1/due?within=60d (the same
    1,100 items in the same order: only the practices' deadlines are ahead)
    and its page, and "mipsreview due --within 60d --json"; for the
    two-TIN due page, the officer's (1,000 of its 1,100 rows).
Every request is a whole one on a fresh loopback connection (connect,
request, the whole body, close); every CLI run is a whole process.  All
sides run interleaved, medians of BENCH_WEB_RUNS (default 21).  There is
no goal: the ratios are reported.

mipsreviewd is started on 127.0.0.1 with a free port and stopped at the
end, whatever happens.
Arguments: MIPSREVIEW MIPSREVIEWD MRGEN OUT.md
"""
import http.client
import json
import os
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

DEVNULL = os.open(os.devnull, os.O_WRONLY)
PAGE_TIN = "777000001"    # the practice with 1,000 open cases
API_TIN = "777000002"     # the practice with 100
PASSWORD = "bench horse battery staple"


def spawn(argv):
    """One whole CLI process, output to /dev/null; its wall time in ms."""
    t0 = time.perf_counter_ns()
    pid = os.posix_spawnp(argv[0], argv, os.environ,
                          file_actions=[(os.POSIX_SPAWN_DUP2, DEVNULL, 1),
                                        (os.POSIX_SPAWN_DUP2, DEVNULL, 2)])
    _, status, _ = os.wait4(pid, 0)
    ms = (time.perf_counter_ns() - t0) / 1e6
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("bench: failed: " + " ".join(argv))
    return ms


def request(port, path, headers, want):
    """One whole request on a fresh connection; (ms, body)."""
    t0 = time.perf_counter_ns()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    c.request("GET", path, headers=headers)
    r = c.getresponse()
    body = r.read()
    c.close()
    ms = (time.perf_counter_ns() - t0) / 1e6
    if r.status != want:
        sys.exit("bench: GET %s: %d, not %d: %s" % (path, r.status, want,
                                                   body[:200]))
    return ms, body


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def mr(exe, *args, stdin=None):
    return subprocess.run([exe] + list(args), input=stdin, check=True,
                          capture_output=True, text=True).stdout


def populate(exe, gen, n, w, now):
    """The population imported, then the two practices' open cases, each
    with its own deadline a day ahead (as a granted extension sets)."""
    db = os.path.join(w, "web.db")
    os.environ["MIPSREVIEW_DB"] = db
    csv = os.path.join(w, "population.csv")
    with open(csv, "wb") as f:
        subprocess.run([gen, str(n)], stdout=f, check=True)
    mr(exe, "import", csv)
    os.unlink(csv)
    con = sqlite3.connect(db)
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))
    # The 100-case practice's deadlines fall later, out of the due side.
    for tin, count, ahead in ((PAGE_TIN, 1000, 86400),
                              (API_TIN, 100, 30 * 86400)):
        con.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
            "WHERE i < ?) INSERT INTO review_case (tin, name, "
            "performance_year, status, reasons, revision, created_at, "
            "updated_at, deadline_at, deadline_zone, deadline_source) "
            "SELECT ?, 'Dr. Bench Clinician ' || i, 2024, 'draft', 'other', "
            "0, ?, ?, ? + i, 'America/New_York', 'bench' FROM n",
            (count, tin, stamp, stamp, now + ahead))
    con.commit()
    # The CLI yardstick for the due page must list exactly those cases.
    lo, hi = now, now + 3 * 86400
    other = con.execute(
        "SELECT count(*) FROM review_case WHERE deadline_at BETWEEN ? AND ? "
        "AND tin <> ?", (lo, hi, PAGE_TIN)).fetchone()[0]
    total = con.execute("SELECT count(*) FROM review_case").fetchone()[0]
    con.close()
    if total != n + 1100:
        sys.exit("bench: %d cases in the database, not %d" % (total, n + 1100))
    return db, other


def start_daemon(mrd, w, db):
    port = free_port()
    conf = os.path.join(w, "mr.conf")
    with open(conf, "w") as f:
        f.write("listen = 127.0.0.1:%d\nbase_url = http://127.0.0.1:%d/\n"
                % (port, port))
    os.environ["MIPSREVIEW_CONFIG"] = conf
    log = open(os.path.join(w, "d.log"), "w+")
    p = subprocess.Popen([mrd, "--config", conf, "--db", db],
                         stdout=DEVNULL, stderr=log)
    for _ in range(1200):
        log.seek(0)
        if "ready" in log.read():
            return p, port
        if p.poll() is not None:
            break
        time.sleep(0.05)
    log.seek(0)
    p.kill()
    p.wait()
    sys.exit("bench: mipsreviewd did not start: " + log.read()[-500:])


def sign_in(port, user):
    """The session cookie from POST /app/login with the form's CSRF
    field."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    c.request("GET", "/app/login")
    r = c.getresponse()
    m = re.search(rb'name="csrf" value="([^"]*)"', r.read())
    # The form's token is bound to the mr_login cookie that came with it.
    login = (r.getheader("Set-Cookie") or "").split(";", 1)[0]
    form = {"user": user, "password": PASSWORD,
            "csrf": m.group(1).decode() if m else ""}
    c.request("POST", "/app/login", body=urllib.parse.urlencode(form),
              headers={"Content-Type": "application/x-www-form-urlencoded",
                       "Cookie": login})
    r = c.getresponse()
    r.read()
    c.close()
    cookie = r.getheader("Set-Cookie")
    if r.status not in (200, 302, 303) or not cookie:
        sys.exit("bench: sign-in as %s failed: %d" % (user, r.status))
    return cookie.split(";", 1)[0]


def main():
    if len(sys.argv) != 5:
        sys.exit("usage: web.py MIPSREVIEW MIPSREVIEWD MRGEN OUT.md")
    exe, mrd, gen, outfile = (os.path.abspath(p) for p in sys.argv[1:])
    n = int(os.environ.get("BENCH_WEB_CASES", "541421"))
    runs = int(os.environ.get("BENCH_WEB_RUNS", "21"))
    w = tempfile.mkdtemp(prefix="mrweb.")
    for k in ("MIPSREVIEW_NOW", "MIPSREVIEW_CONFIG"):
        os.environ.pop(k, None)
    os.environ["NO_COLOR"] = "1"
    now = int(time.time())
    started = time.time()
    daemon = None
    try:
        print("bench: web at %d cases" % n, file=sys.stderr)
        db, other = populate(exe, gen, n, w, now)
        os.environ["MIPSREVIEW_CONFIG"] = os.path.join(w, "mr.conf")
        open(os.environ["MIPSREVIEW_CONFIG"], "w").close()
        pw = PASSWORD + "\n"
        mr(exe, "user", "add", "officer", "--role", "officer", "--tin",
           PAGE_TIN, "--password-stdin", stdin=pw)
        mr(exe, "user", "add", "admin", "--role", "admin",
           "--password-stdin", stdin=pw)
        mr(exe, "user", "add", "two", "--role", "viewer", "--tin", PAGE_TIN,
           "--tin", API_TIN, "--password-stdin", stdin=pw)
        token = mr(exe, "user", "token", "add", "admin").strip()
        two = {"Authorization": "Bearer " +
               mr(exe, "user", "token", "add", "two").strip()}
        feed = mr(exe, "feed", "add", "bench", "--tin", PAGE_TIN).strip()
        daemon, port = start_daemon(mrd, w, db)
        cookie = sign_in(port, "officer")
        two_cookie = {"Cookie": sign_in(port, "two")}
        feed_path = "/calendar/" + feed.rsplit("/calendar/", 1)[1]
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        c.request("GET", feed_path)
        r = c.getresponse()
        r.read()
        c.close()
        etag = r.getheader("ETag")
        if r.status != 200 or not etag:
            sys.exit("bench: the feed answered %d without an ETag" % r.status)
        _, page = request(port, "/app/due", {"Cookie": cookie}, 200)
        rows = page.count(b"Dr. Bench Clinician")
        api_path = "/api/v1/cases?tin=%s&limit=100" % API_TIN
        _, body = request(port, api_path,
                          {"Authorization": "Bearer " + token}, 200)
        api_rows = body.count(b"Dr. Bench Clinician")
        # The two-TIN account's due is the admin's of the next 60 days (as
        # bytes but for the seconds left, which the clock moves).
        admin = {"Authorization": "Bearer " + token}
        items = [[(v["what"], v["id"]) for v in json.loads(
            request(port, p, h, 200)[1])] for p, h in (
            ("/api/v1/due", two), ("/api/v1/due?within=60d", admin))]
        if items[0] != items[1] or len(items[0]) != 1100:
            sys.exit("bench: the two-TIN due (%d items) and the admin's 60 "
                     "days (%d) differ" % (len(items[0]), len(items[1])))
        _, page = request(port, "/app/due", two_cookie, 200)
        if page.count(b"Dr. Bench Clinician") != 1100:
            sys.exit("bench: the two-TIN due page has %d of the 1100 rows"
                     % page.count(b"Dr. Bench Clinician"))
        due = mr(exe, "due", "--within", "3d", "--json")
        if due.count("Dr. Bench Clinician") != rows or rows != 1000:
            sys.exit("bench: the due page (%d) and due --json (%d) differ"
                     % (rows, due.count("Dr. Bench Clinician")))
        sides = {
            "304": lambda: request(port, feed_path,
                                   {"If-None-Match": etag}, 304)[0],
            "page": lambda: request(port, "/app/due", {"Cookie": cookie},
                                    200)[0],
            "api": lambda: request(port, api_path,
                                   {"Authorization": "Bearer " + token},
                                   200)[0],
            "due": lambda: spawn([exe, "due", "--within", "3d", "--json"]),
            "list": lambda: spawn([exe, "list", "--tin", API_TIN, "--json"]),
            "two": lambda: request(port, "/api/v1/due", two, 200)[0],
            "two100": lambda: request(port, "/api/v1/due?limit=100", two,
                                      200)[0],
            "admin60": lambda: request(port, "/api/v1/due?within=60d",
                                       admin, 200)[0],
            "admin100": lambda: request(port,
                                        "/api/v1/due?within=60d&limit=100",
                                        admin, 200)[0],
            "due60": lambda: spawn([exe, "due", "--within", "60d", "--json"]),
            "twopage": lambda: request(port, "/app/due", two_cookie, 200)[0],
        }
        times = {k: [] for k in sides}
        for i in range(runs + 2):
            for k, f in sides.items():
                t = f()
                if i >= 2:
                    times[k].append(t)
        med = {k: statistics.median(v) for k, v in times.items()}
    finally:
        if daemon is not None:
            daemon.terminate()
            try:
                daemon.wait(10)
            except subprocess.TimeoutExpired:
                daemon.kill()
                daemon.wait()
        shutil.rmtree(w, ignore_errors=True)
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])

    def row(what, a, b, yard):
        return "| %s | %.2f ms | %s: %.2f ms | %.2fx |" % (
            what, med[a], yard, med[b], med[a] / med[b])
    page_what = "`/app/due` (%d rows)" % rows
    api_what = "`/api/v1/cases` page (%d cases)" % api_rows
    text = "\n".join([
        "## The office's pages and API (bench/web.py)",
        "",
        "At %d cases plus a practice with 1,000 open cases (the due page, "
        "signed in as its officer) and one with 100 (an API page, bearer "
        "token). Each request is whole, on a fresh loopback connection; each "
        "CLI run a whole process; all sides interleaved in the same run, "
        "medians of %d. The feed's 304 is a conditional GET of a calendar "
        "feed answered Not Modified. The CLI's `due --within 3d --json` "
        "lists the same 1,000 cases (%d other deadlines fall in those 3 "
        "days). No goal is set: the ratios are reported. Load average at "
        "the end: %s. Whole run: %.0f s." % (n, runs, other, load,
                                              time.time() - started),
        "",
        "| what | median | yardstick (median) | ratio |",
        "| --- | --- | --- | --- |",
        row(page_what, "page", "304", "feed 304"),
        row(page_what, "page", "due", "`mipsreview due --within 3d --json`"),
        row(api_what, "api", "304", "feed 304"),
        row(api_what, "api", "list",
            "`mipsreview list --tin T --json` (100 cases)"),
        row("`/api/v1/due`, two-TIN account (1100 items)", "two", "admin60",
            "admin's `/api/v1/due?within=60d` (same items)"),
        row("`/api/v1/due`, two-TIN account (1100 items)", "two", "due60",
            "`mipsreview due --within 60d --json`"),
        row("`/api/v1/due?limit=100`, two-TIN account", "two100", "admin100",
            "admin's `/api/v1/due?within=60d&limit=100`"),
        row("`/app/due`, two-TIN account (1100 rows)", "twopage", "page",
            "`/app/due` of one of its TINs (%d rows)" % rows),
        ""])
    print(text)
    with open(outfile, "w") as f:
        f.write(text + "\n")


if __name__ == "__main__":
    main()
