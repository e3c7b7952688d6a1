"""A stand-in for CMS's QPP Eligibility API over HTTPS, for tests only.

usage: qpp_server.py CERT KEY DATADIR PORTFILE LOGFILE [OVERRIDEDIR]

Listens on 127.0.0.1 (a free port, written to PORTFILE once serving) and
answers GET /api/eligibility/npis/NPI?year=Y by the NPI asked for; every
request line and its User-Agent and Accept headers go to LOGFILE.  While
OVERRIDEDIR/NPI.json exists, it is the answer for that NPI (a record that
changed at CMS).
"""
import json
import os
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

cert, key, datadir, portfile, logfile = sys.argv[1:6]
overridedir = sys.argv[6] if len(sys.argv) > 6 else None
FULL = open(os.path.join(datadir, "record_full.json"), "rb").read()
E404 = open(os.path.join(datadir, "sample_response_404.json"), "rb").read()
E400 = open(os.path.join(datadir, "sample_response_400.json"), "rb").read()
counts = {}
lock = threading.Lock()

# NPI -> behaviour.  The NPIs all pass the check digit.
SCENARIOS = {
    "1234567893": "full",
    "1000000012": "404",
    "1000000020": "400",
    "1000000038": "429-once",
    "1000000046": "429-always",
    "1000000053": "500",
    "1000000061": "slow",
    "1000000079": "malformed",
    "1000000087": "truncated",
    "1000000095": "huge",
    "1000000103": "other-npi",
    "1000000111": "500-once",
}


def record_for(npi):
    # The full record, about another NPI: a copy with its npi replaced.
    return FULL.replace(b'"1234567893"', ('"%s"' % npi).encode())


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def send(self, status, body, extra=()):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path.split("?")[0]
        npi = path.rsplit("/", 1)[-1]
        with lock:
            counts[npi] = counts.get(npi, 0) + 1
            n = counts[npi]
            with open(logfile, "a") as f:
                f.write("%s UA=%s ACCEPT=%s\n" % (self.path,
                        self.headers.get("User-Agent"), self.headers.get("Accept")))
        if not path.startswith("/api/eligibility/npis/"):
            return self.send(404, b'{"error":{"message":"no such path"}}')
        if overridedir and os.path.exists(os.path.join(overridedir, npi + ".json")):
            with open(os.path.join(overridedir, npi + ".json"), "rb") as f:
                return self.send(200, f.read())
        what = SCENARIOS.get(npi, "full-copy")
        if what == "full":
            return self.send(200, FULL)
        if what == "full-copy":
            return self.send(200, record_for(npi))
        if what == "404":
            return self.send(404, E404)
        if what == "400":
            return self.send(400, E400)
        if what == "429-once":
            if n % 2 == 1:
                return self.send(429, b'{"error":{"message":"slow down"}}',
                                 [("Retry-After", "1")])
            return self.send(200, record_for(npi))
        if what == "429-always":
            return self.send(429, b'{"error":{"message":"slow down"}}',
                             [("Retry-After", "1")])
        if what == "500":
            return self.send(500, b'{"error":{"message":"internal"}}')
        if what == "500-once":
            if n % 2 == 1:
                return self.send(503, b'{"error":{"message":"busy"}}')
            return self.send(200, record_for(npi))
        if what == "slow":
            time.sleep(4)
            return self.send(200, record_for(npi))
        if what == "malformed":
            return self.send(200, b'{"data": {"npi": "1000000079", "qpStatus": Q}}')
        if what == "truncated":
            return self.send(200, record_for(npi)[:700])
        if what == "huge":
            body = b'{"data": {"npi": "1000000095", "pad": "' + b"x" * (5 << 20) + b'"}}'
            return self.send(200, body)
        if what == "other-npi":
            return self.send(200, FULL)
        return self.send(500, b"{}")


srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
srv.daemon_threads = True
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
with open(portfile + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(portfile + ".tmp", portfile)
srv.serve_forever()
