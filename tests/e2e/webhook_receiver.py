#!/usr/bin/python3
"""A loopback receiver emulating a Slack incoming webhook, a Microsoft
Teams Workflows webhook and a generic Standard Webhooks receiver.

  serve --port-file F --log L [--plan P] [--secret whsec_...] [--tls CERT KEY]
      Answers POSTs on 127.0.0.1.  The first path segment says what it
      emulates: /slack/..., /teams/..., /generic/...  Each request is
      checked as that receiver would (Slack's blocks, the Adaptive Card in
      a message attachment, the Standard Webhooks signature over
      "id.timestamp.body" and the timestamp's freshness) and appended to
      the log as one JSON line, before any planned delay.
      The plan (a JSON file, read at each request) maps a path to a list
      of answers, used in turn (then 200): {"status": 500},
      {"status": 429, "retry_after": "1"}, {"sleep": 5}, {"status": 410}.
      A request cut short (fewer bytes than its Content-Length) is not
      logged: no receiver can act on it.
      Slack's pace: a second message to one Slack path within a second
      (0.9 s, for scheduling) is answered 429 with Retry-After: 1, as Slack
      does, and counted.
  count LOG PREFIX | ids LOG PREFIX | get LOG PREFIX N KEY | bad LOG | fast LOG
      Read the log back for the tests.
  links LOG PREFIX N
      The links request N would show, as its channel renders the markup:
      Slack's <URL|text> (and <!here>-style mentions) in mrkdwn texts, an
      Adaptive Card's Markdown [text](URL) and <URL> (a backslash escapes
      the next character, as CommonMark has it) and its Action.OpenUrl
      buttons; one per line.
"""
import base64
import hashlib
import hmac
import http.server
import json
import os
import re
import ssl
import sys
import threading
import time

lock = threading.Lock()
seen = {}          # path -> requests so far
last_slack = {}    # path -> monotonic time of the last accepted message
fast = [0]


def parse(body):
    try:
        return json.loads(body)
    except ValueError:
        return body.decode("utf-8", "replace")


def check_slack(body):
    m = json.loads(body)
    if not isinstance(m.get("text"), str) or not m["text"]:
        return "no text"
    for b in m.get("blocks", []):
        if b.get("type") not in ("header", "section", "context"):
            return "unknown block %r" % b.get("type")
        if b["type"] == "header" and len(b["text"]["text"]) > 150:
            return "header longer than 150"
        if b["type"] == "section" and len(b.get("fields", [])) > 10:
            return "more than 10 fields"
    return None


def check_teams(body):
    m = json.loads(body)
    if m.get("type") != "message":
        return "type is not message"
    a = m.get("attachments") or []
    if len(a) != 1 or a[0].get("contentType") != \
            "application/vnd.microsoft.card.adaptive":
        return "no Adaptive Card attachment"
    c = a[0].get("content") or {}
    if c.get("type") != "AdaptiveCard" or not c.get("version"):
        return "content is not an AdaptiveCard"
    return None


def check_generic(headers, body, secret):
    wid = headers.get("webhook-id")
    ts = headers.get("webhook-timestamp")
    sig = headers.get("webhook-signature")
    if not wid or not ts or not sig:
        return "missing webhook-id, webhook-timestamp or webhook-signature"
    if abs(time.time() - int(ts)) > 300:
        return "timestamp outside the 5-minute tolerance"
    key = base64.b64decode(secret[len("whsec_"):])
    want = base64.b64encode(hmac.new(key, ("%s.%s." % (wid, ts)).encode()
                                     + body, hashlib.sha256).digest()).decode()
    for s in sig.split(" "):
        v, _, b = s.partition(",")
        if v == "v1" and hmac.compare_digest(b, want):
            json.loads(body)
            return None
    return "signature does not verify"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        if len(body) < n:
            # Cut short (the sender stopped before its last byte): not a
            # request a receiver can act on; nothing is logged.
            self.close_connection = True
            return
        kind = self.path.split("/")[1] if self.path.count("/") >= 1 else ""
        try:
            if kind == "slack":
                bad = check_slack(body)
            elif kind == "teams":
                bad = check_teams(body)
            elif kind == "generic":
                bad = check_generic(self.headers, body, self.server.secret)
            else:
                bad = "unknown path"
        except Exception as e:  # a body that is not JSON, say
            bad = "%s: %s" % (type(e).__name__, e)
        with lock:
            i = seen.get(self.path, 0)
            seen[self.path] = i + 1
            plan = {}
            if self.server.plan and os.path.exists(self.server.plan):
                with open(self.server.plan) as f:
                    plan = json.load(f)
            steps = plan.get(self.path, [])
            step = steps[i] if i < len(steps) else {}
            now = time.monotonic()
            too_fast = False
            if kind == "slack":
                prev = last_slack.get(self.path)
                # 0.1 s for scheduling on a loaded machine: the sender
                # keeps 1.05 s between the starts of its posts.
                if prev is not None and now - prev < 0.9:
                    too_fast = True
                    fast[0] += 1
                else:
                    last_slack[self.path] = now
            entry = {"path": self.path, "n": i, "bad": bad, "t": now,
                     "too_fast": too_fast,
                     "webhook_id": self.headers.get("webhook-id"),
                     "timestamp": self.headers.get("webhook-timestamp"),
                     "content_type": self.headers.get("Content-Type"),
                     "body": parse(body)}
            with open(self.server.log, "a") as f:
                f.write(json.dumps(entry) + "\n")
                f.flush()
                os.fsync(f.fileno())
        if step.get("sleep"):
            time.sleep(step["sleep"])
        status = 429 if too_fast else step.get("status", 400 if bad else 200)
        text = b"rate_limited" if too_fast else \
            (bad or "ok").encode() if status != 200 else b"ok"
        self.send_response(status)
        if too_fast:
            self.send_header("Retry-After", "1")
        elif step.get("retry_after"):
            self.send_header("Retry-After", step["retry_after"])
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)


def serve(args):
    opts = {"--plan": None, "--secret": None, "--tls": None}
    i = 0
    while i < len(args):
        if args[i] == "--tls":
            opts["--tls"] = (args[i + 1], args[i + 2])
            i += 3
        else:
            opts[args[i]] = args[i + 1]
            i += 2
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    srv.log = opts["--log"]
    srv.plan = opts["--plan"]
    srv.secret = opts["--secret"] or ""
    if opts["--tls"]:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(*opts["--tls"])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    tmp = opts["--port-file"] + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(tmp, opts["--port-file"])
    srv.serve_forever()


def unescaped(text):
    """The text with each backslash-escaped character masked as '.'."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            out.append("..")
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def slack_links(m):
    found = []

    def scan(t):
        found.extend(re.findall(r"<([^<>]*)>", t))

    if isinstance(m.get("text"), str):
        scan(m["text"])
    for b in m.get("blocks", []):
        for f in b.get("fields", []):
            if f.get("type") == "mrkdwn":
                scan(f["text"])
        t = b.get("text")
        if isinstance(t, dict) and t.get("type") == "mrkdwn":
            scan(t["text"])
        for e in b.get("elements", []):
            if e.get("type") == "mrkdwn":
                scan(e["text"])
            if e.get("url"):
                found.append(e["url"])
    return found


def teams_links(m):
    found = []
    card = m["attachments"][0]["content"]

    def scan(t):
        u = unescaped(t)
        for mo in re.finditer(r"\[[^\]]*\]\(([^)]*)\)|<([a-zA-Z][^<> ]*)>", u):
            found.append(t[mo.start():mo.end()])

    def walk(x):
        if isinstance(x, dict):
            if x.get("type") == "TextBlock":
                scan(x.get("text", ""))
            if x.get("type") == "FactSet":
                for f in x.get("facts", []):
                    scan(f.get("title", ""))
                    scan(f.get("value", ""))
            if x.get("type") == "Action.OpenUrl":
                found.append(x["url"])
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk(card)
    return found


def entries(log, prefix):
    if not os.path.exists(log):
        return []
    with open(log) as f:
        return [e for e in map(json.loads, f) if e["path"].startswith(prefix)]


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "serve":
        serve(args)
    elif cmd == "count":
        print(len(entries(args[0], args[1])))
    elif cmd == "ids":
        for e in entries(args[0], args[1]):
            print(e["webhook_id"])
    elif cmd == "get":
        e = entries(args[0], args[1])[int(args[2])]
        v = e
        for k in args[3].split("."):
            v = v[int(k)] if isinstance(v, list) else v[k]
        print(v if isinstance(v, str) else json.dumps(v))
    elif cmd == "links":
        e = entries(args[0], args[1])[int(args[2])]
        kind = e["path"].split("/")[1]
        for u in (slack_links if kind == "slack" else teams_links)(e["body"]):
            print(u)
    elif cmd == "bad":
        for e in entries(args[0], "/"):
            if e["bad"]:
                print(e["path"], e["bad"])
    elif cmd == "fast":
        print(sum(1 for e in entries(args[0], "/") if e["too_fast"]))
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()
