#!/usr/bin/env python3
"""SMTP peers for KitClient's tests, on aiosmtpd (pip install aiosmtpd).

usage: smtp_peer.py OUTDIR
Starts two servers on 127.0.0.1 and prints "PLAIN_PORT AUTH_PORT" on the first stdout line:
  plain: no AUTH offered;
  auth:  AUTH PLAIN/LOGIN required (user "mailer", password "secret"), offered without TLS.
Each accepted message is written as OUTDIR/<n>.eml (the raw DATA bytes, dot-unstuffed) and
OUTDIR/<n>.json ({"mail_from", "rcpt_tos", "server"}).
Recipients steer failures: local part reject550 / defer451 fail at RCPT, data550 / data451 at DATA.
"""
import json
import logging
import os
import socket
import sys
import threading
import time
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

counter_lock = threading.Lock()
counter = [0]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SavingHandler:
    def __init__(self, outdir, name):
        self.outdir = outdir
        self.name = name

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0].lower()
        if local == "reject550":
            return "550 5.1.1 No such user here"
        if local == "defer451":
            return "451 4.7.1 Greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        locals_ = [a.split("@")[0].lower() for a in envelope.rcpt_tos]
        if "data550" in locals_:
            return "550 5.7.1 Message content rejected"
        if "data451" in locals_:
            return "451 4.3.0 Temporary local problem"
        with counter_lock:
            counter[0] += 1
            n = counter[0]
        base = os.path.join(self.outdir, "%d" % n)
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content)
        with open(base + ".json", "w") as f:
            json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos, "server": self.name}, f)
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 Message accepted for delivery"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = getattr(auth_data, "login", None) == b"mailer" and getattr(auth_data, "password", None) == b"secret"
    return AuthResult(success=ok, handled=False)


def main():
    warnings.simplefilter("ignore")
    logging.getLogger("mail.log").setLevel(logging.CRITICAL)
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    plain = Controller(SavingHandler(outdir, "plain"), hostname="127.0.0.1", port=free_port())
    auth = Controller(SavingHandler(outdir, "auth"), hostname="127.0.0.1", port=free_port(),
                      authenticator=authenticator, auth_required=True, auth_require_tls=False)
    plain.start()
    auth.start()
    print(plain.port, auth.port, flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        plain.stop()
        auth.stop()


if __name__ == "__main__":
    main()
