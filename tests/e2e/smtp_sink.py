"""A loopback SMTP server for the alert tests (Debian's python3-aiosmtpd).

/usr/bin/python3 smtp_sink.py --port-file F --maildir DIR [options]

Listens on 127.0.0.1 on a free port, writes the port to F once ready and
stores every accepted message in the Maildir DIR (with X-MailFrom and
X-RcptTo headers, like aiosmtpd's Mailbox handler).  Options make it
misbehave the way real servers do:
  --refuse-file F   answer "451 try again later" to MAIL while F exists
  --refuse-rcpt-file F  answer "550 no such user" to RCPT for each address
                    listed (one a line) in F while F exists
  --stall rcpt|data touch DIR/../stalled and hang at RCPT, or after the
                    whole message arrived at DATA (storing nothing)
  --delay S         wait S seconds before accepting each message
  --auth USER:PASS  require AUTH (also without TLS: loopback tests only)
  --tls CERT KEY    offer and require STARTTLS
  --smtps CERT KEY  TLS from the first byte (smtps://)
"""
import argparse
import asyncio
import mailbox
import os
import ssl
import sys
from email import message_from_bytes

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Handler:
    def __init__(self, args):
        self.args = args
        self.box = mailbox.Maildir(args.maildir, create=True)

    def stalled(self):
        with open(os.path.join(os.path.dirname(os.path.abspath(
                self.args.maildir)), "stalled"), "w") as f:
            f.write("stalled\n")

    async def handle_MAIL(self, server, session, envelope, address, options):
        if self.args.refuse_file and os.path.exists(self.args.refuse_file):
            return "451 4.3.0 Try again later"
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, options):
        if self.args.stall == "rcpt":
            self.stalled()
            await asyncio.sleep(3600)
        if address.startswith("reject"):
            return "550 5.1.1 No such user"
        f = self.args.refuse_rcpt_file
        if f and os.path.exists(f):
            with open(f) as fh:
                if address in fh.read().split():
                    return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.args.stall == "data":
            self.stalled()
            await asyncio.sleep(3600)
        if self.args.delay:
            await asyncio.sleep(self.args.delay)
        msg = message_from_bytes(envelope.original_content)
        msg["X-MailFrom"] = envelope.mail_from
        msg["X-RcptTo"] = ", ".join(envelope.rcpt_tos)
        self.box.add(msg)
        return "250 2.0.0 Message accepted for delivery"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port-file", required=True)
    p.add_argument("--maildir", required=True)
    p.add_argument("--refuse-file")
    p.add_argument("--refuse-rcpt-file")
    p.add_argument("--stall", choices=["rcpt", "data"])
    p.add_argument("--delay", type=float, default=0)
    p.add_argument("--auth")
    p.add_argument("--tls", nargs=2)
    p.add_argument("--smtps", nargs=2)
    args = p.parse_args()

    handler = Handler(args)
    kw = {}
    if args.auth:
        user, password = args.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, data):
            ok = (isinstance(data, LoginPassword) and
                  data.login == user.encode() and
                  data.password == password.encode())
            return AuthResult(success=ok, handled=False)
        kw.update(authenticator=authenticator, auth_required=True,
                  auth_require_tls=False)
    if args.tls:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(*args.tls)
        kw.update(tls_context=ctx, require_starttls=True)
    server_ssl = None
    if args.smtps:
        server_ssl = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        server_ssl.load_cert_chain(*args.smtps)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(
        lambda: SMTP(handler, hostname="sink.test", **kw),
        host="127.0.0.1", port=0, ssl=server_ssl))
    port = server.sockets[0].getsockname()[1]
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.rename(tmp, args.port_file)
    try:
        loop.run_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
