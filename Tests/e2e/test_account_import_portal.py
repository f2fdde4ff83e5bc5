"""Browser: the platform operator imports institutions (dry run with row errors, then commit)
and one imported administrator activates the account and signs in (docs/accounts.md)."""
import uuid

import helpers
from portal_helpers import browsers  # noqa: F401  (fixture)
from test_portal_accessibility import axe, check_page  # noqa: F401  (fixture)
from test_account_import import csv_bytes, rows


def test_operator_imports_and_an_administrator_activates_in_the_browser(gw, suite, browsers, axe, tmp_path):  # noqa: F811
    op = helpers.operator_actor(gw, suite)   # signs in once for real, so the password is known
    table = rows(3)
    bad = [list(r) for r in table] + [[table[0][0] + "乙", "", "999999", "", "", "钱管理", "139", "", ""]]
    bad_file, good_file = tmp_path / "机构-有错.csv", tmp_path / "机构.csv"
    bad_file.write_bytes(csv_bytes(bad, "gb18030"))
    good_file.write_bytes(csv_bytes(table))

    b = browsers("operator")
    b.signed_in_as(op["access"])   # the operator's one real sign-in of the run
    b.go("#/account-import")
    b.page("account-import")
    b.css("#import-file").send_keys(str(bad_file))
    b.click("试导入")
    b.css("[data-role='import-errors'] tr[data-row='5']")
    b.text_in("[data-role='import-errors']", "请输入正确的11位手机号")
    b.text_in("[data-role='import-errors']", "行政区划代码不存在")
    assert not b.css("[data-role='commit']").is_enabled()
    check_page(b, axe, "account-import")
    b.css("#import-file").send_keys(str(good_file))
    b.click("试导入")
    b.text_in("[data-role='import-summary']", "可导入 3 行")
    b.click("确认导入 3 家机构")
    b.css("[data-role='import-summary'][data-status='committed']")
    b.logout()

    name, phone = table[1][0], table[1][6]
    b.open("#/activate")
    b.page("activate")
    b.fill("手机号", phone)
    b.fill_captcha()
    b.sms_code(phone)
    username, password = "web" + phone[-8:], "Web#" + uuid.uuid4().hex[:8]
    b.fill("用户名", username)
    b.fill("密码", password)
    b.fill("确认密码", password)
    b.click("激活账号")
    b.text_in("[data-role='activated']", name)
    check_page(b, axe, "activate")
    b.login(username, password, phone)
    b.go("#/profile")
    b.text_in("[data-page='profile']", "个人中心")
    b.text_in("main", name)
    b.css("[data-role='username-section']")
    check_page(b, axe, "profile-username")
