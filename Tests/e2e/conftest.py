"""End-to-end fixtures: the real executables on free loopback ports, against the test
cluster that scripts/test started (TEST_SERVICES_ENV holds the per-service database URLs)."""
import os
import signal
import sys
import uuid

import pytest
import requests

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts", "lib"))
import suite as suite_lib  # noqa: E402


def _require(name):
    value = os.environ.get(name)
    if not value:
        pytest.exit(f"{name} is not set: run the tests with scripts/test", returncode=2)
    return value


@pytest.fixture(scope="session")
def suite(tmp_path_factory):
    bin_dir = _require("SUITE_BIN_DIR")
    db_env = suite_lib.read_env_file(_require("TEST_SERVICES_ENV"))
    run_dir = os.path.join(ROOT, "test-artifacts", f"suite-{os.getpid()}")
    s = suite_lib.Suite(bin_dir, db_env, run_dir, extra_env={"DEV_MODE": "1", "LOG_LEVEL": "info",
                                                             # most tests submit placeholder document
                                                             # ids; the checking_identity fixture turns
                                                             # the check on for its own identity
                                                             "REGISTRATION_CHECK_DOCUMENTS": "0",
                                                             "OUTBOX_INTERVAL": "0.2",
                                                             # The freeze is 180 s by default; the
                                                             # tests watch it expire sooner.
                                                             "LOGIN_LOCK_SECONDS": "4",
                                                             # Browser tests all come from 127.0.0.1
                                                             # through the gateway (one "NAT");
                                                             # the per-address limit's own test
                                                             # runs an instance with the default.
                                                             "SMS_PER_IP_MAX": "1000",
                                                             # Likewise the gateway's per-address and
                                                             # per-account limits: their own tests run
                                                             # gateways with tight limits.
                                                             "RATE_LIMIT_IP": "1000", "RATE_LIMIT_IP_BURST": "5000",
                                                             "RATE_LIMIT_ACCOUNT": "500", "RATE_LIMIT_ACCOUNT_BURST": "2000",
                                                             "SMS_LOGIN_OFF_PROGRAMS": "zj_monthly",
                                                             # The installation's first operator (helpers.operator_actor).
                                                             "PLATFORM_OPERATOR_PHONE": "13700000001"})
    s.start_all()
    import helpers
    helpers.IDENTITY_DIRECT = s.url("identity")
    yield s
    s.stop_all()


@pytest.fixture(scope="session")
def checking_identity(suite):
    """The API base (…/api/identity/v1) of an identity that checks the registration materials at
    documents before submit (REGISTRATION_CHECK_DOCUMENTS=1; the suite's own identity runs with
    the check off). Started once, on first use, for every test that submits through it."""
    suite.start("identity", instance=8, env={"REGISTRATION_CHECK_DOCUMENTS": "1"})
    yield suite.url("identity", instance=8) + "/api/identity/v1"
    suite.kill("identity#8", signal.SIGTERM)


@pytest.fixture(scope="session")
def gw(suite):
    """Base URL of the gateway."""
    return suite.url("gateway")


@pytest.fixture
def http():
    with requests.Session() as session:
        yield session


def unique_phone():
    """A valid mainland mobile number unlikely to collide between tests."""
    n = uuid.uuid4().int % 10**8
    return f"139{n:08d}"
