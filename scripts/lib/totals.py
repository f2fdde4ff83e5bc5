"""The test command's closing line: passes, failures and skips of every runner, counted from
each runner's own per-test records (XCTest's per-case lines, pytest's JUnit XML, the compose
and fuzz checks' summary lines). A runner that exited non-zero without reporting a failure
(it crashed, timed out or stopped early) counts as one failure, so the total can never say
"0 failed" for a failing run."""
import pathlib
import re
import sys
import xml.etree.ElementTree as ET


def read(d, name):
    p = d / name
    return p.read_text(errors="replace") if p.exists() else None


def exit_code(d, name):
    text = read(d, name + ".rc")
    return int(text.strip()) if text and text.strip().lstrip("-").isdigit() else None


def xctest(log):
    """Per-case lines: Test Case 'Suite.testName' passed|failed|skipped (0.001 seconds)."""
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    for outcome in re.findall(r"^Test Case '[^']+' (passed|failed|skipped) \(", log, re.M):
        counts[outcome] += 1
    return counts


def junit(path):
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    root = ET.parse(path).getroot()
    for case in root.iter("testcase"):
        tags = {child.tag for child in case}
        if tags & {"failure", "error"}:
            counts["failed"] += 1
        elif "skipped" in tags:
            counts["skipped"] += 1
        else:
            counts["passed"] += 1
    return counts


def summary_line(log, word):
    m = re.findall(rf"^(?:{word}: )?(\d+) passed, (\d+) failed(?:, (\d+) skipped)?", log, re.M)
    if not m:
        return None
    p, f, k = m[-1]
    return {"passed": int(p), "failed": int(f), "skipped": int(k or 0)}


def main(directory):
    d = pathlib.Path(directory)
    runners = []
    log = read(d, "swift-test.log")
    if log is not None:
        runners.append(("swift", xctest(log), exit_code(d, "swift-test")))
    if (d / "fuzz.rc").exists():
        runners.append(("fuzz", summary_line(read(d, "fuzz.log") or "", "fuzz"), exit_code(d, "fuzz")))
    if (d / "e2e.rc").exists():
        xml = d / "e2e.xml"
        counts = None
        if xml.exists():
            try:
                counts = junit(xml)
            except ET.ParseError:
                counts = None
        runners.append(("e2e", counts, exit_code(d, "e2e")))
    if (d / "compose-test.rc").exists():
        runners.append(("compose", summary_line(read(d, "compose-test.log") or "", "compose"), exit_code(d, "compose-test")))

    total = {"passed": 0, "failed": 0, "skipped": 0}
    parts = []
    for name, counts, rc in runners:
        counts = dict(counts or {"passed": 0, "failed": 0, "skipped": 0})
        note = ""
        if rc is None:
            counts["failed"] += 1
            note = " (did not finish)"
        elif rc != 0 and counts["failed"] == 0:
            counts["failed"] += 1
            note = f" (exited {rc} without reporting a failure)"
        elif rc == 0 and counts["passed"] == 0:
            counts["failed"] += 1
            note = " (ran no test)"
        for k in total:
            total[k] += counts[k]
        parts.append(f"{name}: {counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped{note}")
    print("; ".join(parts))
    print(f"total: {total['passed']} passed, {total['failed']} failed, {total['skipped']} skipped")
    return 0 if total["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
