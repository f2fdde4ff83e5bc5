#!/usr/bin/env python3
"""An SMTP peer with STARTTLS for KitClient's CA-file tests, on aiosmtpd.

usage: smtp_tls_peer.py OUTDIR CERT KEY
Starts one server on 127.0.0.1 that offers STARTTLS with CERT/KEY (PEM) and requires it before
MAIL; prints its port on the first stdout line. Each accepted message is written as
OUTDIR/<n>.eml.
"""
import logging
import os
import socket
import ssl
import sys
import time
import warnings

from aiosmtpd.controller import Controller


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SavingHandler:
    def __init__(self, outdir):
        self.outdir = outdir
        self.n = 0

    async def handle_DATA(self, server, session, envelope):
        self.n += 1
        base = os.path.join(self.outdir, "%d" % self.n)
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content)
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 Message accepted for delivery"


def main():
    warnings.simplefilter("ignore")
    logging.getLogger("mail.log").setLevel(logging.CRITICAL)
    outdir, cert, key = sys.argv[1:4]
    os.makedirs(outdir, exist_ok=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server = Controller(SavingHandler(outdir), hostname="127.0.0.1", port=free_port(),
                        tls_context=context, require_starttls=True)
    server.start()
    print(server.port, flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
