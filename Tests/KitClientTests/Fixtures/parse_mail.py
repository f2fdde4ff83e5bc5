#!/usr/bin/env python3
"""Decodes a saved message with Python's email package and prints a JSON summary.

usage: parse_mail.py FILE.eml
"""
import email
import email.policy
import json
import sys

raw = open(sys.argv[1], "rb").read()
msg = email.message_from_bytes(raw, policy=email.policy.default)
lines = raw.split(b"\n")
out = {
    "subject": str(msg["Subject"]),
    "from": str(msg["From"]),
    "to": [str(a) for a in msg["To"].addresses] if msg["To"] else [],
    "to_addresses": [a.addr_spec for a in msg["To"].addresses] if msg["To"] else [],
    "from_display": msg["From"].addresses[0].display_name if msg["From"] else None,
    "date": msg["Date"],
    "message_id": msg["Message-ID"],
    "content_type": msg.get_content_type(),
    "charset": msg.get_content_charset(),
    "transfer_encoding": msg["Content-Transfer-Encoding"],
    "body": msg.get_content(),
    "all_lines_crlf": all(l.endswith(b"\r") for l in lines[:-1]) and lines[-1] == b"",
    "max_line_length": max(len(l.rstrip(b"\r")) for l in lines),
    "defects": [type(d).__name__ for d in msg.defects],
}
print(json.dumps(out, ensure_ascii=False))
