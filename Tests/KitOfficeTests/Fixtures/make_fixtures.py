#!/usr/bin/env python3
"""Regenerates the peer fixtures of KitOfficeTests (the generated files are committed, so XCTest needs
no python): workbooks written by openpyxl, xlsxwriter and LibreOffice (headless convert of a CSV),
CSVs in Excel's encodings, and hostile files. Run from anywhere: python3 make_fixtures.py
Needs: pip install openpyxl xlsxwriter msoffcrypto-tool; Debian libreoffice-calc-nogui (soffice)."""
import datetime
import os
import shutil
import subprocess
import tempfile
import zipfile

import openpyxl
import xlsxwriter

HERE = os.path.dirname(os.path.abspath(__file__))


def out(name):
    return os.path.join(HERE, name)


def openpyxl_book():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "病例"
    ws.append(["住院号", "医院", "入院日期", "年龄", "溶栓", "评分"])
    ws.append(["A001", "浙江省人民医院", datetime.date(2024, 5, 1), 67, True, 12.5])
    ws.append(["A002", "杭州市第一医院", datetime.datetime(2024, 5, 2, 8, 30, 0), 72, False, None])
    ws.append(["A003", " 前后空格 ", datetime.date(1900, 2, 28), -1, None, "=D2+D3"])
    ws["B4"].number_format = "@"
    ws.cell(row=6, column=3, value=datetime.date(2023, 12, 31)).number_format = 'yyyy"年"m"月"d"日"'
    meta = wb.create_sheet("_meta")
    meta["A1"] = "stroke-2019"
    meta.sheet_state = "hidden"
    wb.defined_names["TEMPLATE_VERSION"] = openpyxl.workbook.defined_name.DefinedName(
        "TEMPLATE_VERSION", attr_text="_meta!$A$1")
    wb.save(out("openpyxl.xlsx"))

    wb = openpyxl.Workbook()
    wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    ws = wb.active
    ws.append(["日期", datetime.date(2024, 5, 1)])
    ws.append(["时间", datetime.datetime(2000, 1, 1, 12, 0, 0)])
    wb.save(out("openpyxl_1904.xlsx"))


def xlsxwriter_book():
    wb = xlsxwriter.Workbook(out("xlsxwriter.xlsx"))
    ws = wb.add_worksheet("填报")
    bold = wb.add_format({"bold": True})
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    cn_date = wb.add_format({"num_format": 31})  # built-in Chinese: yyyy"年"m"月"d"日"
    ws.write_row(0, 0, ["指标", "分子", "分母", "日期", "中文日期", "公式"], bold)
    ws.write_string(1, 0, "静脉溶栓率")
    ws.write_number(1, 1, 45)
    ws.write_number(1, 2, 60)
    ws.write_datetime(1, 3, datetime.datetime(2024, 1, 31), date)
    ws.write_datetime(1, 4, datetime.datetime(2024, 2, 29), cn_date)
    ws.write_formula(1, 5, "=B2/C2")          # cached value 0: stale
    ws.write_rich_string(2, 0, "富", bold, "文本", " run")
    ws.write_boolean(2, 1, True)
    ws.write(2, 2, "#N/A")
    ws.write_number(4, 3, 60, date)          # serial 60: Excel's 1900-02-29
    hidden = wb.add_worksheet("_meta")
    hidden.write_string(0, 0, "zj_monthly-2019")
    hidden.hide()
    wb.define_name("TEMPLATE_VERSION", "=_meta!$A$1")
    wb.close()


def soffice_convert(src, fmt, tmp, infilter=None):
    extra = [f"--infilter={infilter}"] if infilter else []
    subprocess.run(["soffice", "--headless", "--norestore", *extra, "--convert-to", fmt, "--outdir", tmp, src],
                   check=True, capture_output=True, timeout=180, env=dict(os.environ, HOME=tmp))


def libreoffice_book():
    tmp = tempfile.mkdtemp()
    try:
        src = os.path.join(tmp, "libreoffice.csv")
        with open(src, "w", encoding="utf-8", newline="") as f:
            f.write("医院,数量,比例,公式\r\n浙江省人民医院,12,0.25,=B2*2\r\n\"杭州, 西湖\",7,1.5,=B3+B2\r\n")
        soffice_convert(src, "xlsx", tmp, infilter="CSV:44,34,76,1")
        soffice_convert(src, "xls", tmp, infilter="CSV:44,34,76,1")
        shutil.copy(os.path.join(tmp, "libreoffice.xls"), out("legacy.xls"))
        shutil.copy(os.path.join(tmp, "libreoffice.xlsx"), out("libreoffice.xlsx"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def csvs():
    text = "医院,金额\r\n浙江省人民医院,€12\r\n"
    with open(out("excel_gbk.csv"), "wb") as f:
        # Windows code page 936 (what Excel writes) has € as the single byte 0x80; Python's gbk codec lacks it.
        f.write(b"\x80".join(part.encode("gbk") for part in text.split("€")))
    with open(out("gb18030.csv"), "wb") as f:
        f.write("名称,备注\r\n𠀀字,ÿ\r\n".encode("gb18030"))
    with open(out("utf8_bom.csv"), "wb") as f:
        f.write("\ufeff医院,\"多\r\n行\"\r\n".encode("utf-8"))


def hostile():
    # Excel's "Encrypt with password": an OLE compound file holding EncryptionInfo + EncryptedPackage.
    import io
    from msoffcrypto.format.ooxml import OOXMLFile
    with open(out("openpyxl.xlsx"), "rb") as f:
        encrypted = io.BytesIO()
        OOXMLFile(f).encrypt("secret", encrypted)
    with open(out("encrypted.xlsx"), "wb") as f:
        f.write(encrypted.getvalue())
    # A 1.2 GB sheet of zeros would do; 200 MB keeps the generator quick and is already over the caps.
    with zipfile.ZipFile(out("bomb.xlsx"), "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("xl/worksheets/sheet1.xml", "w") as f:
            chunk = b"\0" * (1 << 20)
            for _ in range(200):
                f.write(chunk)
    with zipfile.ZipFile(out("traversal.xlsx"), "w") as z:
        z.writestr("../../evil.xml", "<x/>")
    # Billion laughs in xl/workbook.xml (always read; openpyxl's files have no sharedStrings part).
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    src = zipfile.ZipFile(out("openpyxl.xlsx"))
    with zipfile.ZipFile(out("doctype.xlsx"), "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/workbook.xml":
                body = data.decode("utf-8")
                start = body.index("<workbook")
                data = (body[:start] + f"<!DOCTYPE workbook [{entities}]>" + body[start:]).replace(
                    "</workbook>", "<x>&lol9;</x></workbook>").encode("utf-8")
            z.writestr(item, data)


if __name__ == "__main__":
    openpyxl_book()
    xlsxwriter_book()
    libreoffice_book()
    csvs()
    hostile()
    for name in sorted(os.listdir(HERE)):
        print(f"{os.path.getsize(out(name)):>9}  {name}")
