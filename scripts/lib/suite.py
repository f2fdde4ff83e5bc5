"""Starts and stops the suite's services as real processes on loopback.

Used by scripts/run (the `run` command below) and by the end-to-end tests (imported), so
both bring the suite up the same way. Every service gets a free port unless one is given.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

SERVICES = ["identity", "documents", "approval", "reporting"]
ALL = SERVICES + ["gateway"]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def read_env_file(path):
    env = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                k, v = line.split("=", 1)
                env[k] = v
    return env


def _die_with_parent():
    """In the child before exec: SIGTERM when the process that started it dies (even by
    SIGKILL), so a killed run command or test session never leaves services behind, still
    working on the database (Linux prctl PR_SET_PDEATHSIG)."""
    import ctypes
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    PR_SET_PDEATHSIG = 1
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


class Suite:
    """The five processes. `ports` maps service → port; `extra_env` is added to every one."""

    def __init__(self, bin_dir, db_env, run_dir, ports=None, extra_env=None):
        self.bin_dir = bin_dir
        self.db_env = db_env
        self.run_dir = run_dir
        os.makedirs(run_dir, exist_ok=True)
        self.ports = dict(ports or {})
        for s in ALL:
            self.ports.setdefault(s, free_port())
        self.extra_env = dict(extra_env or {})
        self.procs = {}  # name -> list of Popen (several instances possible)
        self.internal_token = self.extra_env.get("INTERNAL_TOKEN") or os.urandom(16).hex()
        self.storage_dir = os.path.join(run_dir, "documents-store")

    def url(self, service="gateway", instance=0):
        return f"http://127.0.0.1:{self.port(service, instance)}"

    def port(self, service, instance=0):
        return self.ports[service] if instance == 0 else self.ports[f"{service}#{instance}"]

    def env_for(self, service, port):
        env = dict(os.environ)
        env.update(self.db_env)
        env.update({
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "INTERNAL_TOKEN": self.internal_token,
            "IDENTITY_URL": self.url("identity"),
            "DOCUMENTS_URL": self.url("documents"),
            "APPROVAL_URL": self.url("approval"),
            "REPORTING_URL": self.url("reporting"),
            "GATEWAY_URL": self.url("gateway"),
            "STORAGE_DIR": self.storage_dir,
            "TOKEN_KEY_FILE": os.path.join(self.run_dir, "token-signing.key"),
            "EVENT_LOOPS": env.get("EVENT_LOOPS", "2"),
            "PORTAL_DIR": os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "Portal"),
            # The gateway serves the OpenAPI document from here, whatever the working directory.
            "OPENAPI_FILE": os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "docs", "openapi.json"),
        })
        env.update(self.extra_env)
        if service == "gateway":
            for s in SERVICES:
                instances = [self.url(s)] + [f"http://127.0.0.1:{p}" for k, p in sorted(self.ports.items()) if k.startswith(s + "#")]
                env[f"{s.upper()}_URLS"] = ",".join(instances)
        return env

    def start(self, service, instance=0, wait=True, env=None):
        """Starts one process; `instance` > 0 adds another instance of the service on its own
        port; `env` overrides variables for this process only."""
        key = service if instance == 0 else f"{service}#{instance}"
        if key not in self.ports:
            self.ports[key] = free_port()
        port = self.ports[key]
        log = open(os.path.join(self.run_dir, f"{key.replace('#', '-')}.log"), "ab")
        process_env = self.env_for(service, port)
        process_env.update(env or {})
        proc = subprocess.Popen([os.path.join(self.bin_dir, service)], env=process_env,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                preexec_fn=_die_with_parent)
        self.procs.setdefault(key, []).append(proc)
        if wait:
            self.wait_ready(service, port, proc)
        return proc

    def wait_ready(self, service, port, proc, timeout=90):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"{service} exited with {proc.returncode}; see {self.run_dir}/{service}.log")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as r:
                    if r.status == 200:
                        return
            except Exception:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{service} not ready after {timeout}s")

    def start_all(self):
        # identity first: it writes the signing key the others fetch.
        for s in SERVICES:
            self.start(s)
        self.start("gateway")

    def kill(self, key, sig=signal.SIGKILL):
        for p in self.procs.pop(key, []):
            if p.poll() is None:
                p.send_signal(sig)
                try:
                    p.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()

    def stop_all(self):
        for key in list(self.procs):
            self.kill(key, signal.SIGTERM)


def suite_health(base, timeout=10):
    """The gateway's view of every service (each was already waited for by start_all), retried
    briefly while one is slow; a slow or missing service is reported, never a reason to stop,
    and supervision starts right after."""
    deadline = time.time() + timeout
    ready = {}
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(base + "/api/readyz", timeout=10) as r:
                return json.load(r)
        except urllib.error.HTTPError as e:
            try:
                ready = json.load(e)
            except ValueError:
                ready = {}
        except OSError:
            pass
        time.sleep(0.5)
    return ready


class Supervisor:
    """Keeps the suite serving when one process dies: the crash is logged (exit status or
    signal, the tail of its log, into crashes.log) and the process is restarted after a
    backoff that doubles with each crash in a row (1 s … 60 s) and resets once it has served
    for a minute. The other processes keep running; the gateway answers 503 with Retry-After
    for a service while it is down."""

    MIN_BACKOFF, MAX_BACKOFF, STABLE_AFTER = 1.0, 60.0, 60.0

    def __init__(self, suite, run_dir, clock=time.monotonic):
        self.suite = suite
        self.run_dir = run_dir
        self.clock = clock
        self.crashes = {}      # key -> crashes in a row
        self.restart_at = {}   # key -> when to start it again
        self.started = {key: clock() for key in suite.procs}

    def _describe(self, code):
        return f"signal {-code} ({signal.Signals(-code).name})" if code < 0 else f"exit status {code}"

    def _log_crash(self, key, code, backoff):
        log_path = os.path.join(self.run_dir, f"{key.replace('#', '-')}.log")
        tail = ""
        try:
            with open(log_path, "rb") as f:
                f.seek(0, 2)
                f.seek(max(0, f.tell() - 4000))
                tail = f.read().decode("utf-8", "replace")
        except OSError:
            pass
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        line = f"{stamp} {key} died ({self._describe(code)}); restarting in {backoff:.0f} s"
        print(f"  {line}; see {log_path}", flush=True)
        with open(os.path.join(self.run_dir, "crashes.log"), "a", encoding="utf-8") as f:
            f.write(line + "\n" + "\n".join("    " + l for l in tail.splitlines()[-30:]) + "\n")

    def tick(self):
        now = self.clock()
        for key, procs in list(self.suite.procs.items()):
            alive = [p for p in procs if p.poll() is None]
            dead = [p for p in procs if p.poll() is not None]
            if dead and key not in self.restart_at:
                if now - self.started.get(key, now) >= self.STABLE_AFTER:
                    self.crashes[key] = 0
                n = self.crashes.get(key, 0)
                backoff = min(self.MAX_BACKOFF, self.MIN_BACKOFF * (2 ** n))
                self.crashes[key] = n + 1
                self._log_crash(key, dead[0].returncode, backoff)
                self.restart_at[key] = now + backoff
                self.suite.procs[key] = alive
        for key, when in list(self.restart_at.items()):
            if now >= when:
                del self.restart_at[key]
                service, _, instance = key.partition("#")
                try:
                    self.suite.start(service, int(instance or 0), wait=False)
                    self.started[key] = self.clock()
                    print(f"  {key} restarted", flush=True)
                except OSError as e:
                    print(f"  {key} could not be restarted: {e}", flush=True)
                    self.restart_at[key] = now + self.MAX_BACKOFF


def main():
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("command", choices=["run"])
    ap.add_argument("--bin-dir", required=True)
    ap.add_argument("--db-env", required=True)
    ap.add_argument("--run-dir", required=True)
    ap.add_argument("--gateway-port", type=int, default=0)
    args = ap.parse_args()
    ports = {}
    if args.gateway_port:
        ports["gateway"] = args.gateway_port
    suite = Suite(args.bin_dir, read_env_file(args.db_env), args.run_dir, ports=ports,
                  extra_env={"DEV_MODE": os.environ.get("DEV_MODE", "1"), "SEED_DEMO": os.environ.get("SEED_DEMO", "1"),
                             **({"INTERNAL_TOKEN": os.environ["INTERNAL_TOKEN"]} if os.environ.get("INTERNAL_TOKEN") else {})})
    stop = {"now": False}

    def on_signal(*_):
        stop["now"] = True
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        suite.start_all()
        base = suite.url("gateway")
        ready = suite_health(base)
        print("", flush=True)
        print(f"  质控上报平台 is running: {base}/", flush=True)
        print(f"  health: {json.dumps(ready.get('checks', {}), ensure_ascii=False)}", flush=True)
        demo = os.path.join(args.run_dir, "demo-logins.txt")
        if os.path.exists(demo):
            print("  demo logins:", flush=True)
            with open(demo) as f:
                for line in f:
                    print("    " + line.rstrip(), flush=True)
        print(f"  logs: {args.run_dir}/*.log    stop: Ctrl-C", flush=True)
        supervisor = Supervisor(suite, args.run_dir)
        while not stop["now"]:
            supervisor.tick()
            time.sleep(0.5)
    finally:
        suite.stop_all()


if __name__ == "__main__":
    sys.exit(main())
