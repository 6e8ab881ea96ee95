#!/usr/bin/python3
"""The HTML plan on a phone and on a desktop screen, in a real browser (headless Chromium).

Usage: html_phone_test.py BINARY [ARTEFACT_DIR]

For the ITP plan (examples/patient-itp.json, oral) and riTUXimab 1,000 mg (an infusion regimen),
in English and in Simplified Chinese, the HTML page is loaded at a window width of 390 px (a
phone) and of 1240 px and checked with JavaScript in the page:
- the page itself does not scroll sideways (document.documentElement.scrollWidth is at most
  window.innerWidth);
- no visible element reaches past the right edge of the viewport unless it sits inside a box
  whose computed overflow-x is auto or scroll (a table that scrolls in its own box);
- every dose of the medication card (the <strong> in each filled time-of-day cell, e.g.
  "150 mg", the dose column and an infusion's "what is given") is inside the viewport, or can be scrolled into it within its own scroll box.
The patient's sections (the pill or medication card, the supply, what a result may mean, the
calendar; issue 20, item 4) are then checked at both widths and in print emulation at the width of
A4's printable column (186 mm = 703 px at 96 px to the inch; @page margins 12 mm):
- every element holding text there has a computed font-size of at least 16 px (12 pt);
- no text (each text node's box, measured with a Range) reaches past the right edge of its table
  cell or of its section, unless inside a scroll box (cut-off text).
Screenshots (NAME-LANG-WIDTH.png) go to ARTEFACT_DIR (default: html_phone_artefacts in the
current directory, which ctest sets to the build's tests directory) - never into the source tree.

Needs chromium, chromium-driver and python3-selenium (scripts/setup.sh). The rules come from
$DOSEPLAN_RULES, else ../rules beside this file. Prints "N passed, M failed" last; exits 1 when
a check failed.
"""
import os
import pathlib
import subprocess
import sys
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
WIDTHS = (390, 1240)
HEIGHT = 900

CASES = {
    "itp": ["--input", str(ROOT / "examples" / "patient-itp.json")],
    "rituximab": ["--regimen", "rituximab-1000-ra", "--weight", "70kg", "--age", "54",
                  "--start", "2026-12-01"],
}

# Elements past the right edge that are not inside a scroll box; and the page's scroll width.
OVERFLOW_JS = r"""
const vw = Math.min(document.documentElement.clientWidth, arguments[0]);
function inScrollBox(el) {
  for (let a = el.parentElement; a && a !== document.body && a !== document.documentElement;
       a = a.parentElement) {
    const o = getComputedStyle(a).overflowX;
    if (o === 'auto' || o === 'scroll') return true;
  }
  return false;
}
const bad = [];
for (const el of document.body.querySelectorAll('*')) {
  const r = el.getBoundingClientRect();
  if (r.width === 0 && r.height === 0) continue;
  if (getComputedStyle(el).display === 'none') continue;
  if (r.right > vw + 0.5 && !inScrollBox(el)) {
    const cls = el.className && typeof el.className === 'string' ? '.' + el.className : '';
    bad.push(el.tagName.toLowerCase() + cls + ' right=' + Math.round(r.right) + ' "' +
             (el.textContent || '').trim().slice(0, 40) + '"');
  }
}
return {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
        clientWidth: vw, bad: bad};
"""

# Each dose of the pill card: visible in the viewport, or reachable by scrolling its scroll box.
DOSES_JS = r"""
const vw = Math.min(document.documentElement.clientWidth, arguments[0]);
const out = [];
for (const s of document.querySelectorAll(
    'table.card td.slot strong, table.card td.given, table.card td.dose-target')) {
  const r = s.getBoundingClientRect();
  let box = null;
  for (let a = s.parentElement; a; a = a.parentElement) {
    const o = getComputedStyle(a).overflowX;
    if (o === 'auto' || o === 'scroll') { box = a; break; }
  }
  let ok = r.left >= -0.5 && r.right <= vw + 0.5;
  if (!ok && box) {
    // Position of the dose inside the scroll box's content; reachable if it fits in the
    // scrollable width and the box itself is on screen.
    const b = box.getBoundingClientRect();
    const x = r.left - b.left + box.scrollLeft;
    ok = x >= 0 && x + r.width <= box.scrollWidth + 0.5 && b.left >= -0.5 && b.right <= vw + 0.5;
    if (ok) {
      s.scrollIntoView({block: 'nearest', inline: 'nearest'});
      const r2 = s.getBoundingClientRect();
      ok = r2.left >= -0.5 && r2.right <= vw + 0.5;
      box.scrollLeft = 0;
    }
  }
  out.push({text: s.textContent.trim(), ok: ok, right: Math.round(r.right)});
}
return out;
"""

PATIENT = "section.pill-card, section.supply, section.lab-rules, section.calendar"
PRINT_WIDTH = 703  # A4 210 mm less 2 x 12 mm @page margins = 186 mm = 703 px
MIN_PX = 16  # 12 pt = 16 px (CSS: 1 pt = 4/3 px)

# In the patient's sections: elements with text under MIN_PX, and text past its cell or section.
PATIENT_JS = r"""
const sections = document.querySelectorAll(arguments[0]);
const minPx = arguments[1];
function inScrollBox(el, stop) {
  for (let a = el; a && a !== stop; a = a.parentElement) {
    const o = getComputedStyle(a).overflowX;
    if (o === 'auto' || o === 'scroll') return true;
  }
  return false;
}
const small = [], cut = [];
let texts = 0;
for (const sec of sections) {
  const walker = document.createTreeWalker(sec, NodeFilter.SHOW_TEXT);
  const secBox = sec.getBoundingClientRect();
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.textContent.trim()) continue;
    const el = n.parentElement;
    if (getComputedStyle(el).display === 'none') continue;
    texts++;
    const px = parseFloat(getComputedStyle(el).fontSize);
    if (px < minPx - 0.01)
      small.push(el.tagName.toLowerCase() + '.' + el.className + ' ' + px + 'px "' +
                 n.textContent.trim().slice(0, 30) + '"');
    const range = document.createRange();
    range.selectNodeContents(n);
    const r = range.getBoundingClientRect();
    const cell = el.closest('td, th');
    const edge = Math.min(secBox.right, cell && sec.contains(cell) ?
                          cell.getBoundingClientRect().right : Infinity);
    if (r.right > edge + 0.5 && !inScrollBox(el, sec.parentElement))
      cut.push(el.tagName.toLowerCase() + '.' + el.className + ' right=' + Math.round(r.right) +
               ' edge=' + Math.round(edge) + ' "' + n.textContent.trim().slice(0, 30) + '"');
  }
}
return {sections: sections.length, texts: texts, small: small, cut: cut};
"""

passed = 0
failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)


def make_driver():
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--hide-scrollbars", "--force-device-scale-factor=1"):
        opts.add_argument(a)
    service = Service("/usr/bin/chromedriver") if os.path.exists("/usr/bin/chromedriver") else Service()
    return webdriver.Chrome(service=service, options=opts)


def set_viewport(driver, width):
    # The window is larger than the viewport; emulate the exact CSS width of a phone.
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": HEIGHT, "deviceScaleFactor": 1,
                            "mobile": width < 600})


def check_patient_sections(driver, what, calendar_expected=True):
    res = driver.execute_script(PATIENT_JS, PATIENT, MIN_PX)
    check(res["sections"] >= 2 and res["texts"] > 50,
          f"{what}: patient's sections found ({res['sections']} sections, {res['texts']} texts)")
    check(not res["small"], f"{what}: {len(res['small'])} text(s) under 12 pt in the patient's "
          f"sections, e.g. {res['small'][:5]}")
    check(not res["cut"], f"{what}: {len(res['cut'])} text(s) cut off in the patient's sections, "
          f"e.g. {res['cut'][:5]}")


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    binary = sys.argv[1]
    artefacts = pathlib.Path(sys.argv[2] if len(sys.argv) > 2 else "html_phone_artefacts")
    artefacts.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.setdefault("DOSEPLAN_RULES", str(ROOT / "rules"))

    driver = make_driver()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for name, args in CASES.items():
                for lang in ("en", "zh-CN"):
                    page = pathlib.Path(tmp) / f"{name}-{lang}.html"
                    subprocess.run([binary, "plan", *args, "--lang", lang, "--format", "html",
                                    "-o", str(page)], check=True, env=env)
                    html = page.read_text(encoding="utf-8")
                    check('<meta name="viewport" content="width=device-width, initial-scale=1">'
                          in html, f"{name} {lang}: viewport meta")
                    for width in WIDTHS:
                        what = f"{name} {lang} @{width}px"
                        set_viewport(driver, width)
                        driver.get(page.as_uri())
                        res = driver.execute_script(OVERFLOW_JS, width)
                        check(res["scrollWidth"] <= min(res["innerWidth"], width),
                              f"{what}: page scrolls sideways (scrollWidth {res['scrollWidth']}, "
                              f"innerWidth {res['innerWidth']}, window {width})")
                        check(not res["bad"], f"{what}: {len(res['bad'])} element(s) cut off at "
                              f"the right edge, e.g. {res['bad'][:5]}")
                        check_patient_sections(driver, what)
                        doses = driver.execute_script(DOSES_JS, width)
                        check(len(doses) > 0, f"{what}: no dose found on the medication card")
                        hidden = [d for d in doses if not d["ok"]]
                        check(not hidden, f"{what}: doses of the medication card out of reach: "
                              f"{hidden[:5]}")
                        texts = " ".join(d["text"] for d in doses)
                        want = ("150 mg" if name == "itp" else "1,000 mg" if lang == "en" else "1000 mg")
                        check(want in texts, f"{what}: '{want}' on the medication card")
                        # Full-page screenshot: the layout height at this width.
                        h = driver.execute_script(
                            "return document.documentElement.scrollHeight")
                        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                               {"width": width, "height": min(int(h), 16000),
                                                "deviceScaleFactor": 1, "mobile": width < 600})
                        driver.save_screenshot(str(artefacts / f"{name}-{lang}-{width}.png"))
                    # Print: A4's printable width, print media (the @media print rules).
                    what = f"{name} {lang} print @{PRINT_WIDTH}px"
                    set_viewport(driver, PRINT_WIDTH)
                    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
                    driver.get(page.as_uri())
                    check(driver.execute_script("return matchMedia('print').matches"),
                          f"{what}: print media emulated")
                    check_patient_sections(driver, what)
                    h = driver.execute_script("return document.documentElement.scrollHeight")
                    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                           {"width": PRINT_WIDTH, "height": min(int(h), 16000),
                                            "deviceScaleFactor": 1, "mobile": False})
                    driver.save_screenshot(str(artefacts / f"{name}-{lang}-print.png"))
                    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    finally:
        driver.quit()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
