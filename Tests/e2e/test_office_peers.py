"""KitOffice against peers nobody here wrote, through Tools/OfficeTool (office-tool): openpyxl and
LibreOffice read the .xlsx we write; we read what openpyxl, xlsxwriter and LibreOffice write, to the same
values; hostile files are refused. No services needed, only the built office-tool."""
import datetime
import io
import json
import os
import subprocess
import zipfile

import openpyxl
import pytest
import xlsxwriter


def tool(*args, ok=True):
    path = os.path.join(os.environ["SUITE_BIN_DIR"], "office-tool")
    proc = subprocess.run([path, *args], capture_output=True, text=True, timeout=120)
    if ok:
        assert proc.returncode == 0, proc.stderr + proc.stdout
    return proc


def read_json(path):
    return json.loads(tool("xlsx2json", str(path)).stdout)


def soffice(tmp_path, src, fmt, infilter=None):
    extra = [f"--infilter={infilter}"] if infilter else []
    subprocess.run(["soffice", "--headless", "--norestore", *extra, "--convert-to", fmt, "--outdir", str(tmp_path), str(src)],
                   check=True, capture_output=True, timeout=180, env=dict(os.environ, HOME=str(tmp_path)))
    return tmp_path / (src.stem + "." + fmt.split(":")[0])


BOOK = {
    "sheets": [
        {"name": "病例", "boldHeader": True, "columnWidths": [14, 20],
         "rows": [["住院号", "医院", "入院日期", "年龄", "溶栓", "备注"],
                  ["A001", "浙江省人民医院", {"date": "2024-05-01"}, 67, {"bool": True}, "=1+1 只是文本"],
                  ["A002", "a<b>&\"c\"", {"date": "2024-05-02 08:30:00"}, -0.125, {"bool": False}, " 空格 "],
                  [None, "多\n行", {"date": "1900-01-01"}, 1e-7, None, "_x0041_"]]},
        {"name": "_meta", "state": "hidden", "rows": [["stroke-2019"]]},
    ],
    "definedNames": {"TEMPLATE_VERSION": "_meta!$A$1"},
}


def test_openpyxl_reads_what_we_write(tmp_path):
    src = tmp_path / "book.json"
    src.write_text(json.dumps(BOOK, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "ours.xlsx"
    tool("json2xlsx", str(src), str(out))
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["病例", "_meta"]
    assert wb["_meta"].sheet_state == "hidden"
    assert wb.defined_names["TEMPLATE_VERSION"].attr_text == "_meta!$A$1"
    ws = wb["病例"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0] == ["住院号", "医院", "入院日期", "年龄", "溶栓", "备注"]
    assert rows[1] == ["A001", "浙江省人民医院", datetime.datetime(2024, 5, 1), 67, True, "=1+1 只是文本"]
    assert rows[2] == ["A002", "a<b>&\"c\"", datetime.datetime(2024, 5, 2, 8, 30), -0.125, False, " 空格 "]
    assert rows[3] == [None, "多\n行", datetime.datetime(1900, 1, 1), 1e-7, None, "_x0041_"]
    assert ws["A1"].font.b and not ws["A2"].font.b, "bold header"
    assert ws.column_dimensions["B"].width == 20
    assert ws["A2"].data_type == "s" and ws["F2"].data_type == "s", "text stays text, never a formula"
    # And back: what we wrote reads to what we meant.
    assert read_json(out)["sheets"][0]["rows"] == BOOK["sheets"][0]["rows"]


def test_libreoffice_opens_what_we_write(tmp_path):
    src = tmp_path / "book.json"
    src.write_text(json.dumps(BOOK, ensure_ascii=False), encoding="utf-8")
    ours = tmp_path / "ours.xlsx"
    tool("json2xlsx", str(src), str(ours))
    csv = soffice(tmp_path, ours, "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1")
    text = csv.read_text(encoding="utf-8") if csv.exists() else ""
    if not text:  # one file per sheet with -1: LibreOffice names them <stem>-<sheet>.csv
        text = (tmp_path / "ours-病例.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "住院号,医院,入院日期,年龄,溶栓,备注"
    assert lines[1].startswith("A001,浙江省人民医院,")
    assert "2024" in lines[1] and ",67," in lines[1] and "TRUE" in lines[1].upper()


def test_we_read_what_openpyxl_writes(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "数据"
    expected = []
    for i in range(1, 301):
        row = [f"H{i:04d}", f"医院{i}", i * 1.5, datetime.date(2020, 1, 1) + datetime.timedelta(days=i), i % 2 == 0]
        ws.append(row)
        expected.append([row[0], row[1], row[2], {"date": row[3].isoformat()}, {"bool": row[4]}])
    ws["F1"] = "=C1*2"
    path = tmp_path / "openpyxl.xlsx"
    wb.save(path)
    rows = read_json(path)["sheets"][0]["rows"]
    assert rows[0][5] == {"noValue": True}, "openpyxl caches no formula value: no value, never 0"
    rows[0] = rows[0][:5]
    assert rows == expected


def test_we_read_what_xlsxwriter_writes(tmp_path):
    path = tmp_path / "xw.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("填报")
    fmt = wb.add_format({"num_format": 'yyyy"年"m"月"d"日"'})
    expected = []
    for i in range(200):
        ws.write_string(i, 0, f"指标{i}")
        ws.write_number(i, 1, i / 4)
        ws.write_datetime(i, 2, datetime.datetime(2019, 1, 1) + datetime.timedelta(days=i), fmt)
        expected.append([f"指标{i}", i / 4, {"date": (datetime.date(2019, 1, 1) + datetime.timedelta(days=i)).isoformat()}])
    ws.write_formula(0, 3, "=B1+1")
    wb.close()
    rows = read_json(path)["sheets"][0]["rows"]
    assert rows[0][3] == {"noValue": True}, "xlsxwriter's cached 0 is stale"
    rows[0] = rows[0][:3]
    assert rows == expected


def test_we_read_what_libreoffice_writes(tmp_path):
    src = tmp_path / "lo.csv"
    src.write_text("医院,数量,公式\r\n浙江,12,=B2*3\r\n\"杭州, 西湖\",7,=B3+B2\r\n", encoding="utf-8")
    out = soffice(tmp_path, src, "xlsx", infilter="CSV:44,34,76,1")  # comma, quote, UTF-8, from line 1
    with zipfile.ZipFile(out) as z:
        assert z.infolist()[0].flag_bits & 0x8, "LibreOffice writes data descriptors"
    rows = read_json(out)["sheets"][0]["rows"]
    assert rows == [["医院", "数量", "公式"], ["浙江", 12, 36], ["杭州, 西湖", 7, 19]]


def test_csv_round_trip_and_excel_gbk(tmp_path):
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("医院,金额\r\n".encode("gbk") + "浙江".encode("gbk") + b",\x8012\r\n")
    out = json.loads(tool("csv2json", str(gbk)).stdout)
    assert out == {"encoding": "gbk", "rows": [["医院", "金额"], ["浙江", "€12"]]}
    xlsx = tmp_path / "gbk.xlsx"
    tool("csv2xlsx", str(gbk), str(xlsx))
    assert [list(r) for r in openpyxl.load_workbook(xlsx).active.iter_rows(values_only=True)] == [["医院", "金额"], ["浙江", "€12"]]
    back = tmp_path / "back.csv"
    tool("xlsx2csv", str(xlsx), str(back))
    assert back.read_bytes() == "\ufeff医院,金额\r\n浙江,€12\r\n".encode("utf-8")


HOSTILE = [("bomb", "zip_bomb"), ("traversal", "zip_unsafe_name"), ("doctype", "xml_doctype")]


def hostile_workbook(path, name, base=None):
    """Writes the hostile .xlsx `name` (a zip bomb, a traversal name, a DOCTYPE in the workbook
    part of `base`, an .xlsx's bytes, or of an empty openpyxl workbook) to `path`; shared with
    the imports' tests."""
    if name == "bomb":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            with z.open("xl/worksheets/sheet1.xml", "w") as f:
                for _ in range(300):
                    f.write(b"\0" * (1 << 20))
    elif name == "traversal":
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("../../etc/evil.xml", "<x/>")
    else:
        if base is None:
            wb = openpyxl.Workbook()
            wb.save(path)
            base = path.read_bytes()
        with zipfile.ZipFile(io.BytesIO(base)) as z:
            parts = {i.filename: z.read(i.filename) for i in z.infolist()}
        body = parts["xl/workbook.xml"].decode()
        at = body.index("<workbook")
        parts["xl/workbook.xml"] = (body[:at] + '<!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + body[at:]).encode()
        with zipfile.ZipFile(path, "w") as z:
            for k, v in parts.items():
                z.writestr(k, v)
    return path


@pytest.mark.parametrize("name,code", HOSTILE)
def test_hostile_files_refused(tmp_path, name, code):
    path = hostile_workbook(tmp_path / f"{name}.xlsx", name)
    proc = tool("xlsx2json", str(path), ok=False)
    assert proc.returncode == 2
    assert json.loads(proc.stdout)["error"]["code"] == code
