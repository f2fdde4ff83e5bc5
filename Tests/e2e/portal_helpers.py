"""Browser helpers for the portal tests: headless Debian chromium through chromium-driver and
Selenium, screenshots to test-artifacts/screenshots/, and the small steps every journey
repeats (captcha answers and SMS codes from the dev inbox, signing in)."""
import os
import re
import struct
import time
import uuid
import zlib

import pytest
import requests
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

import helpers

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SHOTS = os.environ.get("PORTAL_SCREENSHOTS") or os.path.join(ROOT, "test-artifacts", "screenshots")
V1 = "/api/identity/v1"

DESKTOP = (1366, 768)
PHONE = (375, 812)


def chromium_paths():
    binary = next((p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if os.path.exists(p)), None)
    driver = next((p for p in ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver") if os.path.exists(p)), None)
    return binary, driver


class Browser:
    """One headless Chromium window on the portal at `base`."""

    def __init__(self, base, name, download_dir=None, size=DESKTOP):
        binary, driver_path = chromium_paths()
        assert binary and driver_path, "chromium and chromium-driver are needed (apt-get install chromium chromium-driver)"
        options = Options()
        options.binary_location = binary
        for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--lang=zh-CN",
                    "--window-size=1366,900", "--disable-features=Translate", "--no-first-run"):
            options.add_argument(arg)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        if download_dir:
            options.add_experimental_option("prefs", {"download.default_directory": download_dir,
                                                      "download.prompt_for_download": False})
        self.driver = webdriver.Chrome(service=Service(driver_path), options=options)
        self.driver.set_script_timeout(30)
        self.base = base
        self.name = name
        self.wait_s = 20
        self.size(*size)

    # --- window ---------------------------------------------------------------------------
    def size(self, width, height):
        """The viewport itself is width × height (what the screenshots show)."""
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500})

    def open(self, hash_path="#/login"):
        """Loads the portal (a full page load: memory such as applicant tokens is gone)."""
        url = self.base + "/" + hash_path
        if self.driver.current_url == url:
            self.driver.refresh()  # same address: get() would not load the page again
        else:
            self.driver.get(url)
        self.wait_ready()

    def go(self, hash_path):
        """Navigates inside the single-page portal (keeps in-memory state)."""
        self.driver.execute_script("location.hash = arguments[0]", hash_path.lstrip("#"))
        self.wait_ready()

    def wait_ready(self):
        self.wait(lambda d: d.execute_script(
            "const m = document.getElementById('main'); return m && !m.querySelector('.loading') && m.children.length > 0"))

    def quit(self):
        try:
            self.driver.quit()
        except Exception:
            pass

    # --- finding -----------------------------------------------------------------------------
    def wait(self, condition, timeout=None, what="condition"):
        try:
            return WebDriverWait(self.driver, timeout or self.wait_s, poll_frequency=0.1,
                                 ignored_exceptions=(StaleElementReferenceException,)).until(condition)
        except TimeoutException:
            self.shot(f"timeout-{re.sub(r'[^a-z0-9]+', '-', what.lower())[:40]}", toasts=True)
            raise AssertionError(f"{self.name}: timed out waiting for {what}")

    def css(self, selector, timeout=None, visible=True):
        cond = EC.visibility_of_element_located if visible else EC.presence_of_element_located
        return self.wait(cond((By.CSS_SELECTOR, selector)), timeout, what=selector)

    def all(self, selector):
        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def gone(self, selector, timeout=None):
        self.wait(lambda d: not [e for e in d.find_elements(By.CSS_SELECTOR, selector) if e.is_displayed()], timeout, what=f"{selector} gone")

    def text_in(self, selector, text, timeout=None):
        """The first element matching `selector` whose text contains `text` (waits for it)."""
        return self.wait(lambda d: next((e for e in d.find_elements(By.CSS_SELECTOR, selector) if text in e.text), False), timeout,
                         what=f"'{text}' in {selector}")

    def page(self, name):
        """Waits until the page marked data-page=name is shown."""
        return self.css(f"[data-page='{name}']")

    def field(self, label, scope=None):
        """The input, select or textarea whose <label> reads `label` (required-star ignored)."""
        root = scope or self.driver

        def find(_):
            for lab in root.find_elements(By.CSS_SELECTOR, "label"):
                if lab.is_displayed() and lab.text.strip().rstrip("*").strip() == label:
                    target = lab.get_attribute("for")
                    if target:
                        return self.driver.find_element(By.ID, target)
            return False
        return self.wait(find, what=f"field {label}")

    def fill(self, label, value, scope=None):
        # A page that redraws its controls (a choice reloading the next list) can replace the
        # element between finding and filling it: find it again.
        for attempt in range(5):
            try:
                return self._fill(label, value, scope)
            except StaleElementReferenceException:
                if attempt == 4:
                    raise

    def _fill(self, label, value, scope):
        el = self.field(label, scope)
        if el.tag_name == "select":
            self.wait(lambda d: any(o.get_attribute("value") == value or o.text == value for o in el.find_elements(By.TAG_NAME, "option")),
                      what=f"option {value} of {label}")
            s = Select(el)
            try:
                s.select_by_value(value)
            except StaleElementReferenceException:
                raise
            except Exception:
                s.select_by_visible_text(value)
        else:
            el.clear()
            el.send_keys(value)
        return el

    def error_of(self, label):
        """The error text shown next to the field labelled `label`."""
        el = self.field(label)
        ids = (el.get_attribute("aria-describedby") or "").split()
        texts = [self.driver.find_element(By.ID, i).text for i in ids if i.endswith("-error")]
        return " ".join(t for t in texts if t)

    def wait_error(self, label, contains=""):
        self.wait(lambda d: contains in self.error_of(label) and self.error_of(label), what=f"error at {label}")
        return self.error_of(label)

    def button(self, text, scope=None):
        root = scope or self.driver

        def find(_):
            for b in root.find_elements(By.CSS_SELECTOR, "button, a.btn"):
                if b.is_displayed() and b.text.strip().startswith(text) and b.is_enabled():
                    return b
            return False
        return self.wait(find, what=f"button {text}")

    def click(self, text, scope=None):
        for attempt in range(5):
            try:
                b = self.button(text, scope)
                self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", b)
                b.click()
                return b
            except StaleElementReferenceException:   # redrawn between finding and clicking
                if attempt == 4:
                    raise

    def check(self, selector):
        el = self.css(selector, visible=False)
        if not el.is_selected():
            self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", el)
            el.click()
        return el

    def dialog(self):
        return self.css("dialog[open]")

    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    def send_keys(self, *keys):
        self.driver.switch_to.active_element.send_keys(*keys)

    # --- evidence ------------------------------------------------------------------------
    def shot(self, name, toasts=False):
        """Saves the viewport as test-artifacts/screenshots/<name>.png (passing notices hidden
        unless `toasts`)."""
        os.makedirs(SHOTS, exist_ok=True)
        path = os.path.join(SHOTS, f"{name}.png")
        try:
            if not toasts:
                self.js("const t = document.getElementById('toasts'); if (t) t.replaceChildren()")
            self.driver.save_screenshot(path)
        except Exception:
            pass
        return path

    def unlabelled(self):
        """Form controls on screen without a <label> (or an aria-label)."""
        return self.js("""
            return [...document.querySelectorAll('input, select, textarea')]
              .filter(e => e.type !== 'hidden' && !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
              .map(e => e.outerHTML.slice(0, 120));""")

    def console_errors(self):
        """Browser console errors other than the expected answers of the API (4xx)."""
        out = []
        for entry in self.driver.get_log("browser"):
            msg = entry.get("message", "")
            if entry.get("level") == "SEVERE" and "Failed to load resource" not in msg:
                out.append(msg)
        return out

    # --- flows ---------------------------------------------------------------------------
    def captcha_answer(self, scope=None):
        """Reads the current captcha's answer from the dev endpoint (as a newcomer would)."""
        root = scope or self.driver
        img = self.wait(lambda d: next((i for i in root.find_elements(By.CSS_SELECTOR, "img[data-captcha-id]") if i.is_displayed()), False),
                        what="captcha image")
        cid = img.get_attribute("data-captcha-id")
        r = requests.get(self.base + V1 + f"/dev/captchas/{cid}", timeout=10)
        assert r.status_code == 200, r.text
        return r.json()["answer"]

    def fill_captcha(self, scope=None):
        self.fill("图形验证码", self.captcha_answer(scope), scope)

    def sms_code(self, phone, purpose_before=None, send_button_text="获取验证码"):
        """Presses 获取验证码 and types the code from the dev inbox."""
        before = last_message_id(self.base, phone)
        self.click(send_button_text)
        code = wait_code(self.base, phone, before)
        self.fill("短信验证码", code)
        return code

    def login(self, username, password, phone, expect_change=False, shot=None):
        """Password + captcha, then the SMS code; lands on home (or the forced change)."""
        self.open("#/login")
        self.page("login")
        self.fill("用户名或手机号", username)
        self.fill("密码", password)
        self.fill_captcha()
        if shot:
            self.shot(shot)
        before = last_message_id(self.base, phone)
        self.click("登录")
        self.css("[data-role='phone-masked']")
        code = wait_code(self.base, phone, before)
        self.fill("短信验证码", code)
        self.click("验证并登录")
        self.page("change-password" if expect_change else "home")

    def signed_in_as(self, access_token, page="home"):
        """Opens the portal with a session an API login already made (the gateway's HttpOnly
        access cookie carries the token identity issued): for accounts whose every sign-in costs
        an SMS code of a rate-limited phone (the platform operator), so one real login serves
        several browser tests."""
        self.open("#/login")
        self.page("login")
        self.driver.add_cookie({"name": "qs_access", "value": access_token, "path": "/", "httpOnly": True,
                                "sameSite": "Strict"})
        self.driver.refresh()   # a full load: the portal asks the gateway who is signed in
        self.wait_ready()
        self.go("#/home")
        self.page(page)

    def logout(self):
        self.go("#/home")
        btn = self.all("[data-role='logout']")
        if btn and btn[0].is_displayed():
            btn[0].click()
        else:  # narrow screens: the menu first
            self.click("菜单")
            self.css("[data-role='logout']").click()
        self.page("login")


@pytest.fixture
def browsers(gw, request, tmp_path):
    """Opens browsers on demand; on failure each one's screen is saved before it closes."""
    opened = []

    def make(name, base=None):
        b = Browser(base or gw, name, download_dir=str(tmp_path))
        opened.append(b)
        return b
    failed = request.session.testsfailed
    yield make
    for b in opened:
        if request.session.testsfailed > failed:
            b.shot(f"FAILED-{request.node.name}-{b.name}", toasts=True)
            errors = b.console_errors()
            if errors:
                print(f"{b.name} console errors:", *errors, sep="\n  ")
        b.quit()


def until(predicate, action=None, timeout=30, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        if action:
            action()
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")



# --- dev inbox -----------------------------------------------------------------------------
def last_message_id(base, phone):
    items = helpers.messages(base, phone)
    return items[0]["id"] if items else None


def wait_code(base, phone, before):
    """The newest 6-digit code sent to `phone` after message `before`."""
    deadline = time.time() + 15
    while time.time() < deadline:
        items = helpers.messages(base, phone)
        for m in items:
            if m["id"] == before:
                break
            match = re.search(r"验证码是(\d{6})", m["body"])
            if match:
                return match.group(1)
        time.sleep(0.15)
    raise AssertionError(f"no new code for {phone}")


def wait_message(base, recipient, pattern, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        for m in helpers.messages(base, recipient):
            match = re.search(pattern, m["body"])
            if match:
                return match
        time.sleep(0.2)
    raise AssertionError(f"no message matching {pattern} for {recipient}")


# --- the organisation directory (identity's internal API) ------------------------------------
def internal(suite):
    return {"X-Internal-Token": suite.internal_token}


def centres(suite, province):
    r = requests.get(suite.url("identity") + V1 + "/internal/organisations", headers=internal(suite), timeout=10,
                     params={"kind": "provincial_centre", "under": f"86/{province}"})
    assert r.status_code == 200, r.text
    return r.json()["items"]


def create_centre(suite, province, name):
    r = requests.post(suite.url("identity") + V1 + "/internal/organisations", headers=internal(suite), timeout=10,
                      json={"kind": "provincial_centre", "name": name, "regionCode": province,
                            "specialties": ["coronary_intervention", "cardiac_surgery", "hypertension", "heart_failure"]})
    assert r.status_code == 201, r.text
    return r.json()


def create_user(suite, org_id, role, name, phone, password):
    r = requests.post(suite.url("identity") + V1 + "/internal/users", headers=internal(suite), timeout=10,
                      json={"orgId": org_id, "role": role, "displayName": name, "phone": phone, "password": password,
                            "username": "u" + uuid.uuid4().hex[:10]})
    assert r.status_code == 201, r.text
    return r.json()


def regions(base, parent=None):
    r = requests.get(base + V1 + "/regions", params={"parent": parent} if parent else None, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def api_application(gw, phone, province_city, hospital):
    """A pending institution-administrator application made over the API (an attachment
    included), for the approvers to see next to the browser-made one."""
    r = helpers.send_code(gw, phone, "register")
    assert r.status_code == 201, r.text
    code, _ = helpers.latest_code(gw, phone)
    r = requests.post(gw + V1 + "/applications/verify", json={"phone": phone, "code": code, "create": True}, timeout=10)
    assert r.status_code == 201, r.text
    app_id, token = r.json()["created"]["id"], r.json()["created"]["applicantToken"]
    auth = {"Authorization": f"Bearer {token}"}
    r = requests.post(gw + "/api/documents/v1/documents", params={"kind": "signed_application_form", "object": f"registration:{app_id}"},
                      files={"file": ("账号申请表.pdf", pdf_bytes(f"form {phone}"), "application/pdf")}, headers=auth, timeout=20)
    assert r.status_code == 201, r.text
    body = {"role": "institution_admin", "regionCode": province_city, "specialties": [],
            "organisation": {"name": hospital, "licenceNo": "PDY" + phone + "33010211", "level": "二级甲等", "category": "综合医院",
                             "address": "人民路1号", "headName": "吴院长"},
            "person": {"name": "陈申请"}, "documentIds": [r.json()["id"]]}
    r = requests.put(gw + V1 + f"/applications/{app_id}", json=body, headers=auth, timeout=10)
    assert r.status_code == 200, r.text
    r = requests.post(gw + V1 + f"/applications/{app_id}/submit", headers=auth, timeout=10)
    assert r.status_code == 200, r.text
    return app_id



# --- sample files (written here, not by the code under test) ----------------------------------
def pdf_bytes(text="portal e2e"):
    return helpers.pdf_document(text)


def png_bytes(width=240, height=160, seed=1):
    """An RGB PNG with a gradient (distinct per seed)."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)
        for x in range(width):
            rows += bytes(((x * 255 // width + seed * 37) % 256, (y * 255 // height + seed * 91) % 256, (seed * 53) % 256))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + chunk(b"IEND", b""))


def write_file(directory, name, data):
    path = os.path.join(directory, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


__all__ = ["api_application", "Browser", "Keys", "By", "browsers", "until", "DESKTOP", "PHONE", "SHOTS", "wait_code", "wait_message", "last_message_id",
           "centres", "create_centre", "create_user", "regions", "pdf_bytes", "png_bytes", "write_file"]
