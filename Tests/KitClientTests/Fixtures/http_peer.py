#!/usr/bin/env python3
"""A small HTTP/1.1 keep-alive peer for KitClient's tests.

Binds 127.0.0.1 on a free port, prints the port on the first stdout line, serves until killed.

Endpoints (any method):
  /echo           200, JSON {method, path, headers: [[name, value], ...], body (UTF-8 text), body_length};
                  response headers X-Echo-Method and two X-Multi headers (a, b)
  /status/NNN     status NNN, body "status NNN"
  /slow?ms=N      sleeps N ms, then 200 "slow"
  /flaky?key=K    503 for the first two requests per key, then 200 JSON {attempts, idempotency_key}
  /count[?key=K]  200 JSON {requests, connections, key: requests seen by /flaky for K}
  /json           200 JSON {"name": "质量报告", "count": 3}
  /badjson        200, Content-Type application/json, body "not json"
  /idle-close?ms=N  200, then the connection is closed silently after N ms idle
  /close          200 with Connection: close
  /redirect       302 to /echo
  /big?n=N        200 with N bytes of "x"
"""
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

lock = threading.Lock()
stats = {"requests": 0, "connections": 0}
flaky = {}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        with lock:
            stats["connections"] += 1

    def log_message(self, fmt, *args):
        pass

    def send(self, status, body=b"", headers=(), content_type="text/plain; charset=utf-8"):
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_json(self, status, obj, headers=()):
        self.send(status, json.dumps(obj, ensure_ascii=False), headers, "application/json; charset=utf-8")

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        with lock:
            stats["requests"] += 1
        url = urlparse(self.path)
        query = parse_qs(url.query)
        path = url.path

        if path == "/echo":
            self.send_json(200, {
                "method": self.command,
                "path": self.path,
                "headers": [[k, v] for k, v in self.headers.items()],
                "body": body.decode("utf-8", errors="replace"),
                "body_length": len(body),
            }, headers=[("X-Echo-Method", self.command), ("X-Multi", "a"), ("X-Multi", "b")])
        elif path.startswith("/status/"):
            code = int(path.rsplit("/", 1)[1])
            self.send(code, "status %d" % code)
        elif path == "/slow":
            time.sleep(int(query.get("ms", ["1000"])[0]) / 1000.0)
            self.send(200, "slow")
        elif path == "/flaky":
            key = query.get("key", [""])[0]
            with lock:
                flaky[key] = flaky.get(key, 0) + 1
                n = flaky[key]
            if n <= 2:
                self.send(503, "try again (%d)" % n, headers=[("Retry-After", "0")])
            else:
                self.send_json(200, {"attempts": n, "idempotency_key": self.headers.get("Idempotency-Key")})
        elif path == "/count":
            key = query.get("key", [None])[0]
            with lock:
                out = dict(stats)
                out["key"] = flaky.get(key, 0) if key is not None else None
            self.send_json(200, out)
        elif path == "/json":
            self.send_json(200, {"name": "质量报告", "count": 3})
        elif path == "/badjson":
            self.send(200, "not json", content_type="application/json")
        elif path == "/idle-close":
            # Answer, then drop the kept-alive connection silently after ms of idleness
            # (like a server's keep-alive timeout).
            self.send(200, "idle-close")
            self.request.settimeout(int(query.get("ms", ["100"])[0]) / 1000.0)
        elif path == "/close":
            self.send(200, "bye", headers=[("Connection", "close")])
            self.close_connection = True
        elif path == "/redirect":
            self.send(302, "moved", headers=[("Location", "/echo")])
        elif path == "/big":
            self.send(200, b"x" * int(query.get("n", ["0"])[0]))
        else:
            self.send(404, "no such endpoint")

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = handle_any


class Server(ThreadingHTTPServer):
    request_queue_size = 128  # many clients connect at once in the concurrency test
    daemon_threads = True


def main():
    server = Server(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
