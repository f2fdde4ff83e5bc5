"""`scripts/run` supervises: a service that dies is restarted with backoff and its crash
logged, while the rest of the suite keeps serving."""
import os
import signal
import subprocess
import sys
import time

import requests

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts", "lib"))
import suite as suite_lib  # noqa: E402


def wait_for(predicate, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def ready(base):
    try:
        r = requests.get(base + "/api/readyz", timeout=3)
        return r.status_code == 200 and r.json()
    except requests.RequestException:
        return None


def service_pid(run_dir, name):
    """The pids of the run's processes of `name`, from /proc (the run mode keeps no pid files)."""
    out = subprocess.run(["pgrep", "-f", "-x", os.path.join(os.environ["SUITE_BIN_DIR"], name)], capture_output=True, text=True)
    pids = []
    for pid in out.stdout.split():
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                env = f.read().split(b"\0")
        except OSError:
            continue
        if f"STORAGE_DIR={run_dir}/documents-store".encode() in env:
            pids.append(int(pid))
    return pids


def test_a_killed_service_is_restarted_and_the_crash_logged(tmp_path):
    run_dir = str(tmp_path / "run")
    port = suite_lib.free_port()
    env = dict(os.environ, SEED_DEMO="0", DEV_MODE="1", EVENT_LOOPS="1", WORKERS="4")
    out_path = str(tmp_path / "run.out")
    out_file = open(out_path, "w")
    proc = subprocess.Popen([sys.executable, os.path.join(ROOT, "scripts", "lib", "suite.py"), "run",
                             "--bin-dir", os.environ["SUITE_BIN_DIR"], "--db-env", os.environ["TEST_SERVICES_ENV"],
                             "--run-dir", run_dir, "--gateway-port", str(port)],
                            env=env, stdout=out_file, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: ready(base), 120, "the supervised suite")
        # The run command has printed its banner: it is supervising now.
        wait_for(lambda: "is running" in open(out_path).read(), 30, "the run command's banner")
        pids = wait_for(lambda: service_pid(run_dir, "documents"), 10, "the documents process")
        assert len(pids) == 1
        os.kill(pids[0], signal.SIGKILL)
        # The rest keeps serving while documents is down or restarting.
        assert requests.get(base + "/api/identity/v1/specialties", timeout=5).status_code == 200
        crash_log = os.path.join(run_dir, "crashes.log")
        wait_for(lambda: os.path.exists(crash_log) and "documents died (signal 9 (SIGKILL))" in open(crash_log).read(),
                 15, "the crash to be logged")
        # Restarted (a new process) and ready again behind the gateway.
        wait_for(lambda: (lambda p: p and p[0] != pids[0])(service_pid(run_dir, "documents")), 20, "a new documents process")
        wait_for(lambda: (ready(base) or {}).get("checks", {}).get("documents") == "ok", 60, "documents ready again")
        assert proc.poll() is None, "the run command stopped"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        out_file.close()
        out = open(out_path).read()
        print(out[-3000:])
        # Nothing of the run is left behind (a left-over service would keep working on the database).
        left = lambda: [p for n in ("identity", "documents", "approval", "reporting", "gateway") for p in service_pid(run_dir, n)]  # noqa: E731
        deadline = time.time() + 20
        while left() and time.time() < deadline:
            time.sleep(0.2)
        stray = left()
        for pid in stray:
            os.kill(pid, signal.SIGKILL)
        assert not stray, f"processes left behind: {stray}"
    assert "documents restarted" in out, out[-2000:]


def test_services_stop_when_the_run_command_is_killed(tmp_path):
    """kill -9 of the run command (or a test session) takes its services with it."""
    run_dir = str(tmp_path / "run")
    port = suite_lib.free_port()
    env = dict(os.environ, SEED_DEMO="0", DEV_MODE="1", EVENT_LOOPS="1", WORKERS="4")
    out = open(str(tmp_path / "run.out"), "w")
    proc = subprocess.Popen([sys.executable, os.path.join(ROOT, "scripts", "lib", "suite.py"), "run",
                             "--bin-dir", os.environ["SUITE_BIN_DIR"], "--db-env", os.environ["TEST_SERVICES_ENV"],
                             "--run-dir", run_dir, "--gateway-port", str(port)],
                            env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    names = ("identity", "documents", "approval", "reporting", "gateway")
    try:
        wait_for(lambda: ready(f"http://127.0.0.1:{port}"), 120, "the suite")
        assert all(service_pid(run_dir, n) for n in names)
        proc.kill()
        proc.wait()
        wait_for(lambda: not any(service_pid(run_dir, n) for n in names), 20, "the services to stop")
    finally:
        out.close()
        for n in names:
            for pid in service_pid(run_dir, n):
                os.kill(pid, signal.SIGKILL)
