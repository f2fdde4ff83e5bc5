"""Generated registration forms (账号申请表, 保密承诺函, 医疗机构信息收集表, 系统使用须知及同意书),
filled with identity's data for the application and read back with poppler, an independent
PDF reader: pdftotext finds the Chinese title, the values and the verification code, pdfinfo
counts the pages, pdftoppm renders a page that is not blank."""
import base64
import hashlib
import os
import re
import subprocess
import urllib.parse

import pytest
import requests

from helpers import V1
from actors import actors_for
from test_documents_support import (API, bearer, fresh_application, internal_headers, nosniff, sha256, stored_files,
                                    upload)

FORMS = {
    "account-application": "账号申请表",
    "confidentiality-pledge": "保密承诺函",
    "institution-info": "医疗机构信息收集表",
    "terms-consent": "系统使用须知及同意书",
}


@pytest.fixture(scope="module")
def actors(suite):
    return actors_for(suite)


@pytest.fixture(scope="module")
def application(gw, suite, actors):
    """A registration application made through identity's wizard (phone, SMS code, details),
    its applicant token, and its form data as identity's internal endpoint gives it to
    documents (contracts.md)."""
    applicant = actors.applicant()
    phone, app_id, token = applicant.phone, applicant.id, applicant.token
    body = {"role": "institution_admin", "regionCode": "330100", "specialties": ["coronary_intervention"],
            "organisation": {"name": f"杭州市表格测试医院{phone[-6:]}", "licenceNo": "PDY" + phone + "33010211",
                             "level": "三级甲等", "category": "综合医院", "address": "杭州市上城区解放路1号",
                             "headName": "王院长", "contactName": "李联系", "contactPhone": phone},
            "person": {"name": "张三", "email": f"forms{phone}@example.com", "title": "质控办主任"},
            "documentIds": []}
    r = requests.put(gw + V1 + f"/applications/{app_id}", json=body, headers=bearer(token), timeout=10)
    assert r.status_code == 200, r.text
    r = requests.get(f"{suite.url('identity')}{V1}/internal/applications/{app_id}/form-data",
                     headers=internal_headers(suite), timeout=10)
    assert r.status_code == 200, f"identity's form-data endpoint: {r.status_code} {r.text[:200]}"
    data = r.json()
    assert data["applicationId"] == app_id and data["fields"]
    labels = {f["label"]: f["value"] for f in data["fields"]}
    assert labels.get("机构名称") == body["organisation"]["name"]
    # The signers' phones are printed in full on a form to be signed (lists keep masking them).
    assert labels.get("申请人手机") == phone and labels.get("联系人电话") == phone
    return app_id, token, data


def expected_code(form, app_id, fields):
    """The verification code, computed here from the application's data: the first 8 base32
    characters of SHA-256(form + "\\n" + application id + "\\n" + "label=value" lines)."""
    payload = form + "\n" + app_id + "\n" + "\n".join(f"{f['label']}={f['value']}" for f in fields)
    return base64.b32encode(hashlib.sha256(payload.encode()).digest()[:5]).decode()[:8]


def poppler(*cmd):
    out = subprocess.run(cmd, capture_output=True)
    assert out.returncode == 0, out.stderr.decode(errors="replace")
    return out.stdout.decode("utf-8", errors="replace")


def squeeze(text):
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("form", sorted(FORMS))
def test_form_renders_with_the_applications_data(gw, application, form, tmp_path):
    app_id, token, data = application
    r = requests.get(f"{gw}{API}/forms/{form}", params={"application": app_id}, headers=bearer(token), timeout=60)
    assert r.status_code == 200, r.text[:300]
    assert r.headers["Content-Type"] == "application/pdf"
    assert nosniff(r)
    title = FORMS[form]
    assert "filename*=UTF-8''" + urllib.parse.quote(f"{title}-{app_id}.pdf", safe="") in r.headers["Content-Disposition"]
    assert r.content.startswith(b"%PDF-")
    code = r.headers["X-Verification-Code"]
    assert code == expected_code(form, data["applicationId"], data["fields"])

    path = tmp_path / f"{form}.pdf"
    path.write_bytes(r.content)
    info = poppler("pdfinfo", str(path))
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert pages >= 1
    text = squeeze(poppler("pdftotext", "-enc", "UTF-8", str(path), "-"))
    assert title in text
    assert code in text
    assert app_id in text
    for field in data["fields"]:
        assert squeeze(field["value"]) in text, field
        assert squeeze(field["label"]) in text, field
    assert "申请人签字" in text or "签字" in text
    assert "质控上报平台" in text, "every form is headed with the portal's product name"

    # A rendered page is not blank (poppler draws the embedded font).
    poppler("pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-png", str(path), str(tmp_path / "page"))
    png = next(p for p in os.listdir(tmp_path) if p.startswith("page") and p.endswith(".png"))
    mean = subprocess.run(["convert", str(tmp_path / png), "-colorspace", "Gray", "-format", "%[fx:mean]", "info:"],
                          capture_output=True, text=True, check=True).stdout
    assert float(mean) < 0.995, f"page 1 of {form} renders blank (mean {mean})"

    inline = requests.get(f"{gw}{API}/forms/{form}", params={"application": app_id, "inline": "1"},
                          headers=bearer(token), timeout=60)
    assert inline.headers["Content-Disposition"].startswith("inline; ")


def test_form_access(gw, suite, application, actors):
    app_id, token, _ = application
    url = f"{gw}{API}/forms/account-application"
    assert requests.get(url, params={"application": app_id}, timeout=10).status_code == 401
    _, _, stranger = fresh_application(actors)
    r = requests.get(url, params={"application": app_id}, headers=bearer(stranger), timeout=10)
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    user = actors.institution(actors.random_city_province())
    assert requests.get(url, params={"application": app_id}, headers=user.headers, timeout=10).status_code == 404
    operator = actors.operator()
    assert requests.get(url, params={"application": app_id}, headers=operator.headers, timeout=60).status_code == 200
    assert requests.get(f"{gw}{API}/forms/no-such-form", params={"application": app_id},
                        headers=bearer(token), timeout=10).status_code == 404
    r = requests.get(url, params={"application": "../x"}, headers=bearer(token), timeout=10)
    assert r.status_code == 422


def test_generated_form_signed_and_uploaded_back(gw, application):
    app_id, token, _ = application
    pdf = requests.get(f"{gw}{API}/forms/confidentiality-pledge", params={"application": app_id},
                       headers=bearer(token), timeout=60).content
    r = upload(gw, token, "confidentiality_pledge", f"registration:{app_id}", pdf, name="保密承诺函.pdf")
    assert r.status_code == 201, r.text
    assert r.json()["fileType"] == "pdf" and r.json()["sha256"] == sha256(pdf)


def test_font_unavailable_is_a_clear_503_and_changes_nothing(suite, application):
    """A documents instance whose CJK font is missing (KITPDF_CJK_FONT names no file) answers
    503 font_unavailable for a form, with its Chinese message, and stores nothing."""
    app_id, token, _ = application
    suite.start("documents", instance=1, env={"KITPDF_CJK_FONT": "/nonexistent/no-such-font.ttc"})
    try:
        before = stored_files(suite)
        r = requests.get(f"{suite.url('documents', 1)}{API}/forms/account-application", params={"application": app_id},
                         headers=bearer(token), timeout=60)
        assert r.status_code == 503, r.text[:300]
        assert r.json()["error"]["code"] == "font_unavailable" and r.json()["error"]["message"]
        assert stored_files(suite) == before
        # the instance with its font still renders the same form
        ok = requests.get(f"{suite.url('documents')}{API}/forms/account-application", params={"application": app_id},
                          headers=bearer(token), timeout=60)
        assert ok.status_code == 200 and ok.content.startswith(b"%PDF-")
    finally:
        suite.kill("documents#1")
