#!/usr/bin/python3
"""iCalendar export (src/render/render_ics.cpp, docs/calendar.md), checked against the JSON plan.

Usage: ics_test.py DOSEPLAN_BINARY
$DOSEPLAN_RULES must name the rules directory (ctest sets it; without it the repository's rules/
next to this file are used).

Calendars are generated for cyclosporine-itp (en, zh-CN) and cyclophosphamide-iv-scot, parsed
with the Debian python3-icalendar (4.0.3) and compared event by event with `--format json` of the
same plan. The raw bytes are checked too (CRLF, 75-octet folding, whole UTF-8 sequences), and a
corrupted copy must be caught by that check. Prints "N passed, M failed" last; exit 1 on failure.
"""
import datetime as dt
import json
import os
import subprocess
import sys

import icalendar

PASSED = 0
FAILED = 0


def check(cond, what):
    global PASSED, FAILED
    if cond:
        PASSED += 1
    else:
        FAILED += 1
        print("FAIL: " + what)
    return cond


if len(sys.argv) != 2:
    print("usage: ics_test.py DOSEPLAN_BINARY", file=sys.stderr)
    sys.exit(2)
BINARY = sys.argv[1]
ENV = dict(os.environ)
ENV.setdefault("DOSEPLAN_RULES",
               os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "rules"))

ITP = ["--regimen", "cyclosporine-itp", "--weight", "62kg", "--start", "2026-12-01"]
SCOT = ["--regimen", "cyclophosphamide-iv-scot", "--weight", "62kg", "--height", "165cm",
        "--start", "2026-12-01"]


def run(args):
    return subprocess.run([BINARY, "plan"] + args, env=ENV, capture_output=True)


def generate(args):
    r = run(args)
    if r.returncode != 0:
        raise SystemExit("doseplan %s failed (%d): %s" % (" ".join(args), r.returncode,
                                                          r.stderr.decode(errors="replace")))
    return r.stdout


def line_problems(raw):
    """What is wrong with the raw bytes of a calendar as content lines (RFC 5545 §3.1)."""
    problems = []
    if not raw.endswith(b"\r\n"):
        problems.append("the last line does not end with CRLF")
    lines = raw.split(b"\r\n")
    if lines and lines[-1] == b"":
        lines.pop()
    for n, line in enumerate(lines, 1):
        if b"\n" in line or b"\r" in line:
            problems.append("line %d: a bare CR or LF (every line must end with CRLF)" % n)
        if len(line) > 75:
            problems.append("line %d: %d octets, more than 75" % (n, len(line)))
        try:
            line.decode("utf-8")  # a fold inside a multi-byte sequence fails here
        except UnicodeDecodeError as e:
            problems.append("line %d: not whole UTF-8 (%s)" % (n, e))
        if line.endswith(b"\\") and n < len(lines) and lines[n].startswith(b" "):
            problems.append("line %d: fold inside an escape sequence" % n)
    return problems


def is_trough(item):
    timing = item.get("timing", {})
    en = timing.get("en", "").lower()
    return "trough" in en or "(c0)" in en or " c0" in en or "谷浓度" in timing.get("zh-CN", "")


def window(visit):
    before = min(i["window_before_days"] for i in visit["items"])
    after = min(i["window_after_days"] for i in visit["items"])
    return before, after


def check_calendar(name, raw, plan, lang, reminder=dt.timedelta(days=-1)):
    """The calendar `raw` against the JSON `plan`."""
    key = "zh-CN" if lang == "zh-CN" else "en"
    check(line_problems(raw) == [], "%s: raw lines: %s" % (name, line_problems(raw)[:5]))
    check(b"\xef\xbf\xbd" not in raw, "%s: a replacement character (broken UTF-8)" % name)
    cal = icalendar.Calendar.from_ical(raw)
    check(str(cal.get("VERSION")) == "2.0", name + ": VERSION:2.0")
    check(str(cal.get("PRODID", "")).startswith("-//doseplan//"), name + ": PRODID")
    check(str(cal.get("CALSCALE")) == "GREGORIAN", name + ": CALSCALE:GREGORIAN")
    calname = str(cal.get("X-WR-CALNAME", ""))
    check(plan["regimen"]["id"] in calname
          and plan["regimen"]["drug"]["name"][key] in calname, name + ": X-WR-CALNAME " + calname)
    caldesc = str(cal.get("X-WR-CALDESC", ""))
    check(plan["disclaimer"][key] in caldesc, name + ": disclaimer in X-WR-CALDESC")
    check(all(s["id"] in caldesc for s in plan["sources"]), name + ": every source in X-WR-CALDESC")

    test_names = {t["id"]: t["name"][key] for t in plan["tests"]}
    events = cal.walk("VEVENT")
    visits = plan["visits"]
    check(len(events) == len(visits),
          "%s: %d events for %d visits" % (name, len(events), len(visits)))
    uids = [str(e.get("UID")) for e in events]
    check(len(set(uids)) == len(uids) and all(uids), name + ": UIDs unique within the calendar")
    start = dt.date.fromisoformat(plan["start"])
    timed_count = 0
    for ev, visit in zip(events, visits):
        day = dt.date.fromisoformat(visit["date"])
        where = "%s %s" % (name, visit["date"])
        start_value = ev.get("DTSTART").dt
        trough = any(is_trough(i) for i in visit["items"])
        if trough:
            timed_count += 1
            check(isinstance(start_value, dt.datetime)
                  and start_value == dt.datetime(day.year, day.month, day.day, 7, 30)
                  and start_value.tzinfo is None,
                  where + ": trough visit at 07:30 floating, got %r" % (start_value,))
            check(ev.get("DURATION") is not None
                  and ev.get("DURATION").dt == dt.timedelta(minutes=30)
                  and ev.get("DTEND") is None, where + ": trough visit lasts 30 minutes")
        else:
            check(not isinstance(start_value, dt.datetime) and start_value == day,
                  where + ": all-day event on the visit date, got %r" % (start_value,))
            end_value = ev.get("DTEND").dt if ev.get("DTEND") is not None else None
            check(end_value == day + dt.timedelta(days=1), where + ": DTEND the next day")
        stamp = ev.get("DTSTAMP").dt
        check(stamp == dt.datetime(start.year, start.month, start.day, tzinfo=dt.timezone.utc),
              where + ": DTSTAMP is the start date 00:00:00Z, got %r" % (stamp,))
        summary = str(ev.get("SUMMARY"))
        description = str(ev.get("DESCRIPTION"))
        check(summary.startswith("检查：" if lang == "zh-CN" else "Tests: "),
              where + ": SUMMARY " + summary)
        for item in visit["items"]:
            check(item["name"][key] in description, where + ": item %s in DESCRIPTION" % item["id"])
            for t in item["tests"]:
                check(test_names[t] in summary and test_names[t] in description,
                      where + ": test %s in SUMMARY and DESCRIPTION" % t)
            if "timing" in item:
                check(item["timing"][key] in description, where + ": timing of " + item["id"])
            check(item["reason"][key] in description, where + ": reason of " + item["id"])
        before, after = window(visit)
        if before or after:
            lo = (day - dt.timedelta(days=before)).isoformat()
            hi = (day + dt.timedelta(days=after)).isoformat()
            text = ("可在%s至%s之间完成" % (lo, hi) if lang == "zh-CN"
                    else "May be done %s to %s" % (lo, hi))
            check(text in description, where + ": window " + text)
        check(plan["disclaimer"][key] in description, where + ": disclaimer in DESCRIPTION")
        alarms = [c for c in ev.subcomponents if c.name == "VALARM"]
        if reminder is None:
            check(alarms == [], where + ": no VALARM")
        elif check(len(alarms) == 1, where + ": one VALARM"):
            a = alarms[0]
            check(str(a.get("ACTION")) == "DISPLAY" and str(a.get("DESCRIPTION", "")),
                  where + ": VALARM ACTION:DISPLAY with a DESCRIPTION")
            check(a.get("TRIGGER").dt == reminder,
                  where + ": TRIGGER %r, expected %r" % (a.get("TRIGGER").dt, reminder))
    return cal, uids, timed_count


def plan_json(args):
    return json.loads(generate(args + ["--format", "json"]))


# ---------------------------------------------------------------- the three calendars
itp = plan_json(ITP)
scot = plan_json(SCOT)

itp_en = generate(ITP + ["--format", "ics"])
_, uids_en, timed = check_calendar("itp en", itp_en, itp, "en")
check(timed > 0, "itp en: some visits are trough visits (timed)")
check(b"\r\nDTSTART:" in itp_en and b"DTSTART;VALUE=DATE:" in itp_en,
      "itp en: both timed and all-day events")
check(b"RRULE" not in itp_en and b"TZID" not in itp_en, "itp en: no recurrence, no time zone")
check(b"\\," in itp_en and b"\\;" in itp_en, "itp en: commas and semicolons escaped")
check(b"DTSTAMP:20261201T000000Z\r\n" in itp_en, "itp en: raw DTSTAMP")
check(b"TRIGGER:-PT1440M\r\n" in itp_en, "itp en: raw TRIGGER:-PT1440M")

again = generate(ITP + ["--format", "ics"])
_, uids_again, _ = check_calendar("itp en (again)", again, itp, "en")
check(uids_again == uids_en, "itp en: the same UIDs on a second export")
check(again == itp_en, "itp en: a second export is byte for byte the same")

itp_zh = generate(ITP + ["--format", "ics", "--lang", "zh-CN"])
_, uids_zh, timed_zh = check_calendar("itp zh-CN", itp_zh, itp, "zh-CN")
check(timed_zh == timed, "itp zh-CN: the same trough visits")
check(uids_zh == uids_en, "itp zh-CN: the same UIDs as in English (same plan)")
zh_text = itp_zh.decode("utf-8")
check("环孢素" in zh_text and "仅供学习参考" in zh_text, "itp zh-CN: Chinese text present")
unfolded = zh_text.replace("\r\n ", "")
check(itp["disclaimer"]["zh-CN"] in unfolded.replace("\\,", ","),
      "itp zh-CN: the Chinese disclaimer intact after unfolding")
check(any(len(l.encode()) > len(l) and len(l.encode()) >= 70 for l in zh_text.split("\r\n")),
      "itp zh-CN: long Chinese lines were folded (the fold test saw multi-byte text)")
check("原因：前3个月每2周1次" in unfolded, "itp zh-CN: a reason in Chinese")

scot_ics = generate(SCOT + ["--format", "ics"])
_, uids_scot, timed_scot = check_calendar("scot en", scot_ics, scot, "en")
check(timed_scot == 0, "scot en: no trough visit, every event all-day")
check(not set(uids_scot) & set(uids_en), "scot/itp: UIDs differ between regimens")

other_start = generate(["--regimen", "cyclosporine-itp", "--weight", "62kg", "--start",
                        "2026-12-02", "--format", "ics"])
uids_other = [str(e.get("UID")) for e in icalendar.Calendar.from_ical(other_start).walk("VEVENT")]
check(not set(uids_other) & set(uids_en), "itp: another start date gives other UIDs")

# ---------------------------------------------------------------- reminders
r120 = generate(ITP + ["--format", "ics", "--reminder", "120"])
check_calendar("itp --reminder 120", r120, itp, "en", reminder=dt.timedelta(minutes=-120))
check(b"TRIGGER:-PT120M\r\n" in r120, "itp --reminder 120: raw TRIGGER:-PT120M")
r0 = generate(ITP + ["--format", "ics", "--reminder", "0"])
check_calendar("itp --reminder 0", r0, itp, "en", reminder=None)
check(b"VALARM" not in r0, "itp --reminder 0: no VALARM at all")
bad = run(ITP + ["--format", "ics", "--reminder=-5"])
check(bad.returncode == 2 and b"input.out_of_range" in bad.stderr,
      "--reminder -5 refused with input.out_of_range (exit %d)" % bad.returncode)

# ---------------------------------------------------------------- the line check itself
# A corrupted copy: one folded property joined back into a single long line.
lines = itp_zh.split(b"\r\n")
k = next(i for i in range(1, len(lines)) if lines[i].startswith(b" "))
corrupt = b"\r\n".join(lines[:k - 1] + [lines[k - 1] + lines[k][1:]] + lines[k + 1:])
check(any("more than 75" in p for p in line_problems(corrupt)),
      "the line check catches a line longer than 75 octets")
check(any("CRLF" in p for p in line_problems(itp_en.replace(b"END:VEVENT\r\n", b"END:VEVENT\n", 1))),
      "the line check catches a line ending with LF only")
# A fold inside a UTF-8 sequence: the first byte of a continuation's Chinese character moved to
# the end of the line before.
k = next(i for i in range(1, len(lines)) if lines[i].startswith(b" ") and lines[i][1] >= 0xE0)
split = lines[:k - 1] + [lines[k - 1] + lines[k][1:2], b" " + lines[k][2:]] + lines[k + 1:]
check(any("UTF-8" in p for p in line_problems(b"\r\n".join(split))),
      "the line check catches a fold inside a UTF-8 sequence")

print("%d passed, %d failed" % (PASSED, FAILED))
sys.exit(1 if FAILED else 0)
