#!/usr/bin/env python3
"""Errors in Chinese (issue 16, finding 10; review findings E1-E5, E7, E13, E15, E16): with
--lang zh-CN the Chinese line under each error gives the value, the allowed range or the form
expected with an example, its source, and the fix; the English line above it stays.

Each case runs the real binary and checks: the exit code (2, or 0 where the input is accepted),
that stdout is empty and no -o file is written for a refusal, the English line and its id, the
words the Chinese line must contain (numbers checked by hand against rules/*.json), and that the
Chinese line has no half-width , ; : ( ) beside a Chinese character (the unit mg/(kg·天) aside).
Accepted spellings (公斤, 千克, 厘米; --lang zh, zh_CN, zh-cn) must give the same output as the
usual ones. `batch` must carry the Chinese detail as "message_zh".

usage: zh_errors_test.py DOSEPLAN_BINARY RULES_DIR
"""
import json
import os
import re
import subprocess
import sys
import tempfile

CJK = r"[\u3400-\u9fff]"
# Half-width , ; : ( ) next to a Chinese character; "mg/(kg·天)" is a unit and exempt.
HALF_WIDTH = re.compile(r"(?:%s[,;:()])|(?:[,;:()]%s)" % (CJK, CJK))
ZH_PREFIX = "doseplan：错误："

ITP = ["plan", "--regimen", "cyclosporine-itp", "--weight", "62kg", "--start", "2026-12-01"]
SCOT = ["plan", "--regimen", "cyclophosphamide-iv-scot", "--weight", "62kg", "--start",
        "2026-12-01", "--age", "45"]
PSORIASIS = ["plan", "--regimen", "cyclosporine-psoriasis", "--weight", "30kg", "--start",
             "2026-12-01"]
ZH = ["--lang", "zh-CN"]

# (name, arguments, id, English words, Chinese words)
REFUSED = [
    # E1: the dose outside the regimen's range: rules/cyclosporine-itp.json /dose/range is
    # 4-6 mg/kg/d from itp6-003.
    ("E1 dose out of range", ITP + ["--dose", "7mg/kg/d"] + ZH, "input.out_of_range",
     ["dose: 7 mg/kg/day is outside the allowed range 4–6 mg/kg/day"],
     ["剂量7 mg/(kg·天)超出该方案允许的范围4–6 mg/(kg·天)（来源 itp6-003）",
      "doseplan不会自动调整", "请改用范围内的剂量"]),
    # /dose/doses_per_day is 2-3 from itp6-003; the default is 2.
    ("E1 doses a day out of range", ITP + ["--doses-per-day", "4"] + ZH, "input.out_of_range",
     ["doses-per-day: 4 doses a day is outside the allowed range 2–3 doses a day"],
     ["每日4次超出该方案允许的范围每日2–3次（来源 itp6-003）", "--doses-per-day 2"]),
    # /phases/0 (induction) lasts 2 to 3 months, from itp6-003.
    ("E1 phase length out of range", ITP + ["--induction", "5mo"] + ZH, "input.out_of_range",
     ["induction: 5 months is outside the allowed range 2 months to 3 months"],
     ["时长5个月超出该方案允许的范围2个月至3个月（来源 itp6-003）",
      "--phase-duration induction=3mo"]),
    # /phases/0 (pulses) of the SCOT regimen: exactly 12 cycles (scot-nct00114530).
    ("E1 cycles out of range", SCOT + ["--height", "165cm", "--cycles", "pulses=6"] + ZH,
     "input.out_of_range", ["pulses: 6 cycles is outside the allowed range 12–12 cycles"],
     ["6次超出该方案允许的范围12–12次（来源 scot-nct00114530）", "--cycles pulses=12"]),
    # Plausibility limits: 0.5-350 kg (docs/errors.md, include/doseplan/plan.hpp).
    ("E1 weight out of limits", ["plan", "--regimen", "cyclosporine-itp", "--weight", "500kg",
                                 "--start", "2026-12-01"] + ZH, "input.out_of_range",
     ["weight: 500 kg is outside the allowed range 0.5–350 kg"],
     ["体重500 kg超出doseplan的合理范围0.5–350 kg", "不是剂量限制", "--weight 62kg"]),
    ("E1 creatinine out of limits", ITP + ["--creatinine", "6000umol/L"] + ZH,
     "input.out_of_range", ["creatinine: 6,000 umol/L is outside the allowed range"],
     ["血肌酐6000 µmol/L超出doseplan的合理范围", "小于5000 µmol/L", "是否把mg/dL的数值写成了µmol/L"]),
    # /population/age_years of the psoriasis regimen: at least 18, refuse, acknowledgeable
    # (mpr-gengraf).
    ("E1 population refused", PSORIASIS + ["--age", "10"] + ZH, "input.population",
     ["age: 10 years is outside the regimen's population at least 18 years"],
     ["患者的年龄10岁不在该方案适用的人群范围内（不小于18岁，来源 mpr-gengraf）",
      "说明书用法针对成人", "--acknowledge-off-label", "并与医生讨论"]),
    # E2: no unit.
    ("E2 weight without unit", ["plan", "--regimen", "cyclosporine-itp", "--weight", "62",
                                "--start", "2026-12-01"] + ZH, "quantity.missing_unit",
     ['weight: "62" has no unit'], ["体重“62”缺少单位，请写成“62kg”", "公斤", "千克"]),
    ("E2 creatinine without unit", ITP + ["--creatinine", "95"] + ZH, "quantity.missing_unit",
     ['creatinine: "95" has no unit'],
     ["血肌酐“95”缺少单位", "95µmol/L", "1.1mg/dL"]),
    ("E2 height without unit", SCOT + ["--height", "165"] + ZH, "quantity.missing_unit",
     ['height: "165" has no unit'], ["身高“165”缺少单位，请写成“165cm”", "厘米"]),
    # E3: a unit the parser does not know: which units the field accepts, with an example.
    ("E3 unknown unit", ["plan", "--regimen", "cyclosporine-itp", "--weight", "124斤",
                         "--start", "2026-12-01"] + ZH, "quantity.unknown_unit",
     ['weight: unknown unit "斤" in "124斤"'],
     ["doseplan不认识体重“124斤”中的单位“斤”", "请写成“62kg”", "公斤或千克"]),
    # E4: a dose per kilogram without "per day"; a dose of another kind than the regimen's.
    ("E4 dose per kilogram", ITP + ["--dose", "5mg/kg"] + ZH, "quantity.wrong_kind",
     ['dose: "5mg/kg" is not a dose'],
     ["剂量“5mg/kg”", "剂量应写成每公斤每天的总量（不是每次的量）", "5mg/kg/d"]),
    ("E4 dose of another kind", ITP + ["--dose", "300mg/d"] + ZH, "input.wrong_dose_kind",
     ["dose: 300 mg/day is not a dose in mg/kg/d"],
     ["剂量300 mg/天与方案cyclosporine-itp不符", "每公斤体重每天", "“5mg/kg/d”",
      "允许范围4–6 mg/(kg·天)，来源 itp6-003"]),
    # E5: a missing value: why it is needed, and the flag.
    ("E5 height missing", SCOT + ZH, "input.missing", ["height: regimen cyclophosphamide-iv-scot"],
     ["按体表面积计算剂量，需要身高", "--height 165cm"]),
    ("E5 weight missing", ["plan", "--regimen", "cyclosporine-itp", "--start", "2026-12-01"] + ZH,
     "input.missing", ["weight: give --weight"], ["缺少体重", "按体重计算", "--weight 62kg"]),
    ("E5 start missing", ["plan", "--regimen", "cyclosporine-itp", "--weight", "62kg"] + ZH,
     "input.missing", ["start: give --start"], ["缺少起始日期", "--start 2026-12-01"]),
    # E7: a decimal comma, in English and in Chinese.
    ("E7 weight decimal comma", ["plan", "--regimen", "cyclosporine-itp", "--weight", "62,5kg",
                                 "--start", "2026-12-01"] + ZH, "quantity.unknown_unit",
     ['weight: "62,5kg" has a decimal comma; write the number with a decimal point, "62.5kg"'],
     ["体重“62,5kg”的小数点请用“.”，例如“62.5kg”"]),
    ("E7 creatinine decimal comma", ITP + ["--creatinine", "1,2 mg/dL"] + ZH,
     "quantity.unknown_unit", ['creatinine: "1,2 mg/dL" has a decimal comma'],
     ["血肌酐“1,2 mg/dL”的小数点请用“.”，例如“1.2 mg/dL”"]),
    # E13: arguments not understood, in the order typed (b before a), and where to look. track
    # start takes --lang since the tracker speaks Chinese, so the arguments not understood are others.
    ("E13 usage", ["track", "start", "--lang", "zh-CN", "--bogus", "b", "a"], "usage.invalid",
     ["The following arguments were not expected: --bogus b a"],
     ["命令行中有无法识别的参数：--bogus b a（按输入顺序）", "doseplan track start --help"]),
    ("E13 usage, a value not allowed", ITP + ["--format", "xml"] + ZH, "usage.invalid",
     ["--format: xml not in"], ["--format 的值“xml”无法识别", "text"]),
    # E15: a language doseplan does not write, asked in a Chinese way: refused in Chinese.
    ("E15 zh-TW", ITP + ["--lang", "zh-TW"], "input.bad_lang", ['lang: "zh-TW" is not a language'],
     ["doseplan不支持语言“zh-TW”", "请使用 --lang zh-CN"]),
    # E16: the sex.
    ("E16 sex", ITP + ["--sex", "x"] + ZH, "input.bad_sex", ['sex: "x" is not female or male'],
     ["性别请填写 female（女）或 male（男）"]),
]


def run(binary, args, out_file=None):
    cmd = [binary] + args + (["-o", out_file] if out_file else [])
    return subprocess.run(cmd, capture_output=True, text=True)


def chinese_lines(stderr):
    return [line for line in stderr.splitlines() if line.startswith(ZH_PREFIX)]


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    binary, rules = argv[1], argv[2]
    os.environ["DOSEPLAN_RULES"] = rules
    failures = []

    def check(name, ok, detail=""):
        if not ok:
            failures.append("%s: %s" % (name, detail))

    with tempfile.TemporaryDirectory() as tmp:
        for name, args, error_id, english, chinese in REFUSED:
            out = os.path.join(tmp, "out.txt")
            # usage errors stop before -o is read: run them without it.
            r = run(binary, args, None if error_id == "usage.invalid" else out)
            check(name, r.returncode == 2, "exit %d, stderr %r" % (r.returncode, r.stderr))
            check(name, r.stdout == "", "stdout %r" % r.stdout)
            check(name, not os.path.exists(out), "an -o file was written")
            check(name, "[%s]" % error_id in r.stderr.splitlines()[0] if r.stderr else False,
                  "first line %r" % r.stderr)
            for e in english:
                check(name, e in r.stderr, "English %r not in %r" % (e, r.stderr))
            lines = chinese_lines(r.stderr)
            check(name, len(lines) == 1, "Chinese lines %r" % lines)
            line = lines[0] if lines else ""
            check(name, line.endswith("[%s]" % error_id), "Chinese line %r" % line)
            check(name, "上一行为英文详情" not in line, "no Chinese detail: %r" % line)
            for c in chinese:
                check(name, c in line, "Chinese %r not in %r" % (c, line))
            bad = HALF_WIDTH.findall(line.replace("mg/(kg·天)", ""))
            check(name, not bad, "half-width punctuation %r in %r" % (bad, line))

        # E3: 公斤, 千克 and 厘米 are kg and cm: the same plan as with kg and cm.
        def plan_json(weight, height):
            r = run(binary, ["plan", "--regimen", "cyclophosphamide-iv-scot", "--start",
                             "2026-12-01", "--age", "45", "--weight", weight, "--height", height,
                             "--format", "json"])
            check("E3 %s %s" % (weight, height), r.returncode == 0, r.stderr)
            return r.stdout
        usual = plan_json("62kg", "165cm")
        check("E3 the usual plan", '"weight"' in usual, usual[:200])
        for weight, height in [("62公斤", "165厘米"), ("62 千克", "165 厘米"), ("62千克", "165cm")]:
            check("E3 %s %s" % (weight, height), plan_json(weight, height) == usual,
                  "a different plan")

        # E15: zh, zh_CN and zh-cn are zh-CN.
        zh = run(binary, ITP + ZH)
        check("E15 zh-CN", zh.returncode == 0 and "仅供学习参考" in zh.stdout, zh.stderr)
        for alias in ["zh", "zh_CN", "zh-cn"]:
            r = run(binary, ITP + ["--lang", alias])
            check("E15 --lang %s" % alias, r.returncode == 0 and r.stdout == zh.stdout,
                  "exit %d, %r" % (r.returncode, r.stderr))

        # A problem without a Chinese detail (a request file that is not JSON) still gets what
        # its id means, pointing at the English line.
        bad = os.path.join(tmp, "bad.json")
        with open(bad, "w", encoding="utf-8") as f:
            f.write('{"regimen": ')
        r = run(binary, ["plan", "--input", bad] + ZH)
        lines = chinese_lines(r.stderr)
        check("meaning without a detail", r.returncode == 2 and len(lines) == 1
              and "上一行为英文详情" in lines[0] and lines[0].endswith("[request.syntax]"),
              r.stderr)

        # The English line is unchanged without --lang, and has no Chinese line under it.
        r = run(binary, ITP + ["--dose", "7mg/kg/d"])
        check("English only", r.returncode == 2 and not chinese_lines(r.stderr)
              and len(r.stderr.splitlines()) == 1, r.stderr)

        # batch: each error carries its Chinese detail as "message_zh".
        batch_in = os.path.join(tmp, "in.jsonl")
        with open(batch_in, "w", encoding="utf-8") as f:
            f.write(json.dumps({"regimen": "cyclosporine-itp", "weight": "62", "start":
                                "2026-12-01"}) + "\n")
            f.write(json.dumps({"regimen": "cyclosporine-itp", "weight": "62kg", "start":
                                "2026-12-01", "dose": "7mg/kg/d"}) + "\n")
        r = run(binary, ["batch", "--input", batch_in])
        records = [json.loads(line) for line in r.stdout.splitlines()]
        check("batch", r.returncode == 2 and len(records) == 2, r.stderr)
        if len(records) == 2:
            e0, e1 = records[0]["errors"][0], records[1]["errors"][0]
            check("batch missing unit", e0["id"] == "quantity.missing_unit"
                  and e0["where"] == "line 1:/weight"
                  and e0.get("message_zh", "").startswith("体重“62”缺少单位"), e0)
            check("batch out of range", e1["id"] == "input.out_of_range"
                  and "4–6 mg/(kg·天)（来源 itp6-003）" in e1.get("message_zh", ""), e1)

    for f in failures:
        print("FAIL", f)
    print("%d failures" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
