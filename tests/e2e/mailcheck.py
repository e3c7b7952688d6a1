"""Parse every message a test SMTP sink stored, as a mail reader would.

/usr/bin/python3 mailcheck.py MAILDIR            one line per message:
    MESSAGE-ID|RCPT TO (comma-separated)|SUBJECT (decoded)|DTSTART of the .ics in UTC
    (a daily digest is text only: "-" for DTSTART)
/usr/bin/python3 mailcheck.py MAILDIR headers    header names, one message a line
/usr/bin/python3 mailcheck.py MAILDIR uid ID     the attached event's UID
/usr/bin/python3 mailcheck.py MAILDIR body [ID]  the decoded text parts (of the
    messages whose Message-ID contains ID)

Exits 1 (naming the message and the problem) if any message lacks a
required header, has a parse defect, or lacks a text part and a calendar
attachment that parses with python3-icalendar.
"""
import mailbox
import sys
from datetime import timezone
from email import policy
from email.parser import BytesParser

import icalendar

REQUIRED = ("Date", "From", "To", "Subject", "Message-ID", "MIME-Version")


def is_digest(msg):
    return ".digest-" in (msg["Message-ID"] or "")


def check(key, msg):
    for h in REQUIRED:
        if msg[h] is None:
            return "missing %s" % h
        if len(msg.get_all(h)) != 1:
            return "%s appears %d times" % (h, len(msg.get_all(h)))
    for part in msg.walk():
        if part.defects:
            return "defects: %r" % part.defects
    if is_digest(msg):
        # A digest lists many deadlines: text only, no calendar entry.
        text = msg.get_body(preferencelist=("plain",))
        if text is None or not text.get_content().strip():
            return "no text part"
        return None
    if msg.get_content_type() != "multipart/mixed":
        return "content type %s" % msg.get_content_type()
    text = msg.get_body(preferencelist=("plain",))
    if text is None or not text.get_content().strip():
        return "no text part"
    cals = [p for p in msg.iter_attachments()
            if p.get_content_type() == "text/calendar"]
    if len(cals) != 1:
        return "%d calendar attachments" % len(cals)
    cal = icalendar.Calendar.from_ical(cals[0].get_content())
    events = [c for c in cal.walk() if c.name == "VEVENT"]
    if len(events) != 1 or "DTSTART" not in events[0]:
        return "calendar attachment without one VEVENT with DTSTART"
    return None


def main():
    box = mailbox.Maildir(sys.argv[1], factory=None, create=False)
    mode = sys.argv[2] if len(sys.argv) > 2 else "summary"
    bad = 0
    rows = []
    for key in box.keys():
        with box.get_file(key) as f:
            msg = BytesParser(policy=policy.default).parse(f)
        problem = check(key, msg)
        if problem:
            print("message %s (%s): %s" % (key, msg["Message-ID"], problem),
                  file=sys.stderr)
            bad += 1
            continue
        if mode == "headers":
            rows.append(" ".join(msg.keys()))
        elif mode == "uid":
            if sys.argv[3] not in msg["Message-ID"]:
                continue
            cal = icalendar.Calendar.from_ical(
                [p for p in msg.iter_attachments()
                 if p.get_content_type() == "text/calendar"][0].get_content())
            rows.append(str([c for c in cal.walk() if c.name == "VEVENT"][0]["UID"]))
        elif mode == "method":
            cal = icalendar.Calendar.from_ical(
                [p for p in msg.iter_attachments()
                 if p.get_content_type() == "text/calendar"][0].get_content())
            ev = [c for c in cal.walk() if c.name == "VEVENT"][0]
            rows.append("%s %s" % (cal.get("METHOD"), ev.get("ORGANIZER")))
        elif mode == "body":
            if len(sys.argv) > 3 and sys.argv[3] not in msg["Message-ID"]:
                continue
            rows.append(msg.get_body(preferencelist=("plain",)).get_content())
        elif is_digest(msg):
            rows.append("%s|%s|%s|-" % (
                msg["Message-ID"], msg["X-RcptTo"], msg["Subject"]))
        else:
            cal = icalendar.Calendar.from_ical(
                [p for p in msg.iter_attachments()
                 if p.get_content_type() == "text/calendar"][0].get_content())
            ev = [c for c in cal.walk() if c.name == "VEVENT"][0]
            rows.append("%s|%s|%s|%s" % (
                msg["Message-ID"], msg["X-RcptTo"], msg["Subject"],
                ev.decoded("DTSTART").astimezone(timezone.utc).isoformat()))
    for r in sorted(rows):
        print(r)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
