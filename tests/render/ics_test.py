#!/usr/bin/python3
"""iCalendar export (src/render/render_ics.cpp, docs/calendar.md), checked against the JSON plan.

Usage: ics_test.py DOSEPLAN_BINARY
$DOSEPLAN_RULES must name the rules directory (ctest sets it; without it the repository's rules/
next to this file are used).

Calendars are generated for cyclosporine-itp (en, zh-CN), cyclophosphamide-iv-scot, riTUXimab
1,000 mg and MSC, parsed with the Debian python3-icalendar (4.0.3) and compared event by event with
`--format json` of the same plan: one event per visit (a trough visit says first to draw blood
before the morning dose) and one per infusion appointment (issue 20), with values checked by hand. The raw bytes are checked too (CRLF, 75-octet folding, whole UTF-8 sequences), and a
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
    events = [e for e in cal.walk("VEVENT") if ".infusion-" not in str(e.get("UID"))]
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
        if trough:  # what to do first (issue 20, item 1), in the summary a reminder shows
            first = ("早上服药前先抽血——检查：" if lang == "zh-CN"
                     else "Blood test before the morning dose \u2014 Tests: ")
            check(summary.startswith(first), where + ": trough SUMMARY " + summary)
            drug = plan["regimen"]["drug"]["name"][key]
            today = ("今天先抽血（查%s谷浓度），抽完血再服早上的药。" % drug if lang == "zh-CN"
                     else "Today: draw blood for the %s level first, then take the morning dose."
                     % drug)
            lines = description.split("\n")
            timing = next(i["timing"][key] for i in visit["items"] if is_trough(i))
            check(lines[0] == today, where + ": DESCRIPTION starts with " + today)
            check(lines[1].startswith(timing), where + ": then the rules' trough timing")
        else:
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

# ---------------------------------------------------------------- infusion appointments
def check_infusions(name, raw, plan, lang, expected, notes):
    """Infusion events (issue 20, item 2): one per appointment, all day on its date, busy, a
    reminder, stable UIDs apart from the visits'. expected: (date, summary, given, tests before as
    visit dates); notes: texts every infusion event carries (the regimen's warnings)."""
    key = "zh-CN" if lang == "zh-CN" else "en"
    cal = icalendar.Calendar.from_ical(raw)
    all_events = cal.walk("VEVENT")
    events = [e for e in all_events if ".infusion-" in str(e.get("UID"))]
    check(len(events) == len(expected),
          "%s: %d infusion events, expected %d" % (name, len(events), len(expected)))
    check(len(all_events) == len(events) + len(plan["visits"]),
          name + ": an event per visit and per infusion, nothing else")
    starts = [e.get("DTSTART").dt for e in all_events]
    check(starts == sorted(starts, key=lambda d: d if not isinstance(d, dt.datetime) else d.date()),
          name + ": events in date order")
    rid, start = plan["regimen"]["id"], plan["start"].replace("-", "")
    for ev, (day, summary, given, before) in zip(events, expected):
        where = "%s infusion %s" % (name, day)
        d = dt.date.fromisoformat(day)
        check(str(ev.get("UID")) == "doseplan.%s.%s.infusion-%s@doseplan"
              % (rid, start, day.replace("-", "")), where + ": UID " + str(ev.get("UID")))
        check(ev.get("DTSTART").dt == d and not isinstance(ev.get("DTSTART").dt, dt.datetime),
              where + ": all day on its date, got %r" % (ev.get("DTSTART").dt,))
        check(ev.get("DTEND").dt == d + dt.timedelta(days=1), where + ": DTEND the next day")
        check(ev.get("TRANSP") is None, where + ": busy (an appointment)")
        check(str(ev.get("SUMMARY")) == summary, where + ": SUMMARY " + str(ev.get("SUMMARY")))
        desc = str(ev.get("DESCRIPTION"))
        check(given in desc, where + ": what is given: " + given)
        heading = "本次输注前安排的检查：" if lang == "zh-CN" else "Tests planned before this infusion:"
        listed = [l[2:12] for l in desc.split(heading)[1].split("\n\n")[0].split("\n")[1:]
                  if l.startswith("- ")] if heading in desc else []
        check(listed == before, where + ": tests before it on %s, got %s" % (before, listed))
        for n in notes:
            check(n in desc, where + ": note " + n[:40])
        check(plan["disclaimer"][key] in desc, where + ": disclaimer")
        alarms = [c for c in ev.subcomponents if c.name == "VALARM"]
        check(len(alarms) == 1 and alarms[0].get("TRIGGER").dt == dt.timedelta(days=-1),
              where + ": one reminder a day before")
    return [str(e.get("UID")) for e in all_events]


RTX = ["--regimen", "rituximab-1000-ra", "--weight", "62kg", "--start", "2026-12-01"]
MSC = ["--regimen", "msc-lupus", "--weight", "55kg", "--start", "2026-12-01"]
rtx, msc = plan_json(RTX), plan_json(MSC)

# riTUXimab RA: 1,000 mg on day 1 and 2 weeks later (2026-12-15); 1,000 mg = 2 vials of 500 mg
# (no waste); the baseline tests 7 days before day 1 (2026-11-24) come before the first infusion,
# none fall in the week before the second.
rtx_en = generate(RTX + ["--format", "ics"])
check_calendar("rtx en", rtx_en, rtx, "en")
uids_rtx = check_infusions("rtx en", rtx_en, rtx, "en", [
    ("2026-12-01", "Infusion appointment: riTUXimab 1,000 mg IV",
     "What is given: 1,000 mg IV (prepare 2 vials of 500 mg)", ["2026-11-24"]),
    ("2026-12-15", "Infusion appointment: riTUXimab 1,000 mg IV",
     "What is given: 1,000 mg IV (prepare 2 vials of 500 mg)", [])],
    ["Hepatitis B (HBsAg and anti-HBc) must be tested before the first riTUXimab infusion."])
check(len(set(uids_rtx)) == len(uids_rtx), "rtx en: UIDs unique, visits and infusions apart")
check(generate(RTX + ["--format", "ics"]) == rtx_en, "rtx en: a second export is the same bytes")
check("infusions and monitoring visits" in str(icalendar.Calendar.from_ical(rtx_en)
                                                .get("X-WR-CALNAME")), "rtx en: calendar name")
rtx_zh = generate(RTX + ["--format", "ics", "--lang", "zh-CN"])
check_calendar("rtx zh-CN", rtx_zh, rtx, "zh-CN")
check_infusions("rtx zh-CN", rtx_zh, rtx, "zh-CN", [
    ("2026-12-01", "输注预约：利妥昔单抗 1000 mg 静脉输注",
     "给药：静脉输注 1000 mg（配制时准备 500 mg 规格 2 瓶）", ["2026-11-24"]),
    ("2026-12-15", "输注预约：利妥昔单抗 1000 mg 静脉输注",
     "给药：静脉输注 1000 mg（配制时准备 500 mg 规格 2 瓶）", [])],
    ["首次输注利妥昔单抗前必须检查乙肝"])

# SCOT: pulse 1 of 840 mg on 2026-12-01 (500 mg/m² × 1.69 m², 1 vial of 1,000 mg), pulses 2–12
# of 1,260 mg monthly from 2027-01-01; the pre-pulse tests are the day before each pulse; the
# nadir tests (day 10 after) are three weeks before the next pulse, so not listed. Every infusion
# says to drink at least 8 cups of fluid a day around it (the rules' SCOT practice).
scot_pulses = ["2026-12-01"] + ["2027-%02d-01" % m for m in range(1, 12)]
expected = []
for k, day in enumerate(scot_pulses):
    amount = "840 mg" if k == 0 else "1,260 mg"
    before = (dt.date.fromisoformat(day) - dt.timedelta(days=1)).isoformat()
    expected.append((day, "Infusion appointment: cyclophosphamide %s IV" % amount,
                     "What is given: %s IV (prepare" % amount, [before]))
check_infusions("scot en", scot_ics, scot, "en", expected,
                ["Drink at least 8 cups of fluid a day on the 2 days before and the 2 days after "
                 "each infusion (SCOT practice)."])

# MSC: 50 million cells on 2026-12-01, 2027-01-01, 2027-02-01; the baseline tests on 2026-11-24.
msc_en = generate(MSC + ["--format", "ics"])
check_calendar("msc en", msc_en, msc, "en")
check_infusions("msc en", msc_en, msc, "en", [
    ("2026-12-01", "Infusion appointment: umbilical-cord mesenchymal stem cells (MSC) "
     "50 million cells IV", "What is given: 50 million cells IV", ["2026-11-24"]),
    ("2027-01-01", "Infusion appointment: umbilical-cord mesenchymal stem cells (MSC) "
     "50 million cells IV", "What is given: 50 million cells IV", []),
    ("2027-02-01", "Infusion appointment: umbilical-cord mesenchymal stem cells (MSC) "
     "50 million cells IV", "What is given: 50 million cells IV", [])], [])
check(b".infusion-" not in itp_en, "itp en: an oral regimen has no infusion event")

# ---------------------------------------------------------------- --doses
# ITP at 62 kg: 150 mg morning and evening in induction (1 capsule of 100 mg + 1 of 50 mg, as the
# pill card); the first trough visit is 2026-12-15 (every 2 weeks). Without --doses no dose event.
check(b".doses-" not in itp_en, "itp en: no dose events without --doses")
with_doses = generate(ITP + ["--format", "ics", "--doses"])
check(line_problems(with_doses) == [], "itp --doses: raw lines")
cal = icalendar.Calendar.from_ical(with_doses)
dose_events = {str(e.get("DTSTART").dt): e for e in cal.walk("VEVENT")
               if ".doses-" in str(e.get("UID"))}
first, last = dt.date(2026, 12, 1), dt.date.fromisoformat(itp["end"])
check(len(dose_events) == (last - first).days + 1,
      "itp --doses: one event a day from 2026-12-01 to %s, got %d" % (last, len(dose_events)))
check(len(cal.walk("VEVENT")) == len(dose_events) + len(itp["visits"]),
      "itp --doses: the visit events unchanged beside them")
day1 = dose_events.get("2026-12-01")
if check(day1 is not None, "itp --doses: 2026-12-01"):
    check(str(day1.get("SUMMARY")) == "Doses: morning 150 mg, evening 150 mg",
          "itp --doses: day 1 SUMMARY " + str(day1.get("SUMMARY")))
    check(str(day1.get("DESCRIPTION")).startswith(
        "\u2610 morning 150 mg: 1 capsule of 100 mg + 1 capsule of 50 mg\n"
        "\u2610 evening 150 mg: 1 capsule of 100 mg + 1 capsule of 50 mg\n"),
        "itp --doses: day 1 doses to tick")
    check(not [c for c in day1.subcomponents if c.name == "VALARM"], "itp --doses: no reminder")
    check(str(day1.get("UID")) == "doseplan.cyclosporine-itp.20261201.doses-20261201@doseplan",
          "itp --doses: UID " + str(day1.get("UID")))
trough_day = dose_events.get("2026-12-15")
if check(trough_day is not None, "itp --doses: 2026-12-15"):
    d = str(trough_day.get("DESCRIPTION"))
    today = "Today: draw blood for the cycloSPORINE level first, then take the morning dose."
    check(str(trough_day.get("SUMMARY")).startswith("Blood test before the morning dose"),
          "itp --doses: the trough day's SUMMARY says the blood test first")
    check(d.startswith(today + "\n") and d.index(today) < d.index("\u2610 morning 150 mg"),
          "itp --doses: the trough instruction before the morning dose line")
    check("\u2610 morning 150 mg: 1 capsule of 100 mg + 1 capsule of 50 mg (after the blood draw)"
          in d, "itp --doses: the morning dose marked after the blood draw")
    check("evening 150 mg: 1 capsule of 100 mg + 1 capsule of 50 mg\n" in d,
          "itp --doses: the evening dose not marked")
check(generate(SCOT + ["--format", "ics", "--doses"]) == scot_ics,
      "scot --doses: infusions only, nothing added")
zh_doses = icalendar.Calendar.from_ical(generate(ITP + ["--format", "ics", "--doses", "--lang",
                                                        "zh-CN"]))
zh_trough = [e for e in zh_doses.walk("VEVENT") if str(e.get("UID")).endswith("doses-20261215@doseplan")]
check(len(zh_trough) == 1 and str(zh_trough[0].get("DESCRIPTION")).startswith(
    "今天先抽血（查环孢素谷浓度），抽完血再服早上的药。\n"), "itp --doses zh-CN: the trough day first")

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
