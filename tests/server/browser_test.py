#!/usr/bin/env python3
"""`doseplan serve` in a real browser (Debian chromium + chromedriver, headless, selenium), as a
clinician and a patient meet it (issue 21):

- open the printed address; the regimen list; the ITP form filled with the keyboard alone
  (60 kg: 5 mg/kg/day, the default, = 300 mg a day, checked by hand) and sent with Enter;
- an out-of-range dose (9 mg/kg/day; source itp6-003 allows 4–6) shows its error beside the
  field, and nothing is planned;
- the plan page in Chinese; the PDF and the ICS downloaded and read back (poppler's pdftotext,
  python3-icalendar);
- "track this patient"; a creatinine baseline and a 32.6 % rise recorded: the advice says the
  25 % rule is reached;
- axe-core (npm) injected into every page, both languages, the printable plan included: no
  serious or critical violation; `lang` right on Chinese pages;
- screenshots at 1240 px and 390 px kept in the artefacts folder.

usage: browser_test.py DOSEPLAN RULES_DIR AXE_JS ARTEFACTS_DIR"""
import datetime
import glob
import os
import subprocess
import sys
import time

import icalendar
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.support.ui import WebDriverWait

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_support import Server  # noqa: E402

binary, rules, axe_path, artefacts = sys.argv[1:5]
os.makedirs(artefacts, exist_ok=True)
axe_source = open(axe_path, encoding="utf-8").read()
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


today = datetime.date.today()
start = today - datetime.timedelta(days=10)
baseline_day = start - datetime.timedelta(days=5)

s = Server(binary, rules)
downloads = os.path.join(s.tmp, "downloads")
os.makedirs(downloads)
options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1240,1000",
            "--lang=en-US"):
    options.add_argument(arg)
options.add_experimental_option("prefs", {"download.default_directory": downloads,
                                          "download.prompt_for_download": False})
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
driver.set_page_load_timeout(60)
driver.set_script_timeout(60)
axe_checked = []


def axe(name):
    """axe-core on the page as it is: no serious or critical violation."""
    driver.execute_script(axe_source)
    violations = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document).then(r => done(r.violations.map(v => ["
        "  v.id, v.impact, v.nodes.length, v.nodes.slice(0, 2).map(n => n.target.join(' '))])));")
    bad = [v for v in violations if v[1] in ("serious", "critical")]
    check(not bad, f"axe on {name}: {bad}")
    axe_checked.append(name)


def lang_is(expected, name):
    got = driver.find_element(By.TAG_NAME, "html").get_attribute("lang")
    check(got == expected, f"{name}: <html lang> is {got}, expected {expected}")


def shots(name):
    for width in (1240, 390):
        driver.set_window_size(width, 1000)
        time.sleep(0.2)
        driver.save_screenshot(os.path.join(artefacts, f"{name}-{width}.png"))
    driver.set_window_size(1240, 1000)


def submit(element, *keys):
    """Types `keys` into `element` (Enter sends its form, or a click when no keys) and waits for
    the next page: the old page's <html> goes stale."""
    old = driver.find_element(By.TAG_NAME, "html")
    if keys:
        element.send_keys(*keys)
    else:
        element.click()
    WebDriverWait(driver, 60).until(lambda d: is_stale(old))
    WebDriverWait(driver, 60).until(lambda d: d.execute_script("return document.readyState") == "complete")


def is_stale(element):
    """True when `element` no longer belongs to the page. Caught in the middle of a navigation,
    chromedriver sometimes says so as an "unknown error" ("Node with given id does not belong to
    the document") instead of a stale element: this was serve_browser's rare failure."""
    try:
        element.is_enabled()
        return False
    except StaleElementReferenceException:
        return True
    except WebDriverException as e:
        if "does not belong to the document" in str(e):
            return True
        raise


def type_date(element_id, day):
    """Types a date into a date field with the keyboard (en-US: month, day, year)."""
    field = driver.find_element(By.ID, element_id)
    field.send_keys(day.strftime("%m%d%Y"))
    got = field.get_attribute("value")
    check(got == day.isoformat(), f"{element_id}: typed {day}, the field holds {got!r}")


def set_value(element_id, value):
    driver.execute_script("document.getElementById(arguments[0]).value = arguments[1];", element_id, value)


def wait_download(suffix, before):
    for _ in range(300):  # up to 60 s: a PDF on a loaded machine
        files = [f for f in glob.glob(os.path.join(downloads, "*" + suffix)) if f not in before]
        if files and not glob.glob(os.path.join(downloads, "*.crdownload")):
            return files[0]
        time.sleep(0.2)
    return None


def log_in(base, name, password):
    """The login form filled with the keyboard and sent with Enter."""
    driver.get(base + "/login")
    driver.find_element(By.ID, "l-name").send_keys(name)
    submit(driver.find_element(By.ID, "l-password"), password, Keys.ENTER)


def accounts_pages():
    """The same store with accounts (issue 22): a second server, logins, roles, the audit."""
    password = "correct horse battery staple"
    env = dict(os.environ, HOME=s.tmp, DOSEPLAN_RULES=rules)
    for name, role in (("root.web", ["--role", "admin"]),
                       ("pat.web", ["--role", "patient", "--patient", "pt-web"])):
        subprocess.run([binary, "users", "add", "--db", s.db, "--name", name, *role],
                       input=password + "\n", text=True, env=env, check=True, capture_output=True)
    a = Server(binary, rules, db=s.db)
    try:
        driver.get(a.base + "/patients")
        check(driver.current_url.startswith(a.base + "/login"),
              f"without a session, to /login: {driver.current_url}")
        axe("login (en)")
        shots("login")
        log_in(a.base, "root.web", "not the password")
        check("not right" in driver.page_source, "a wrong password is said, beside the form")
        axe("login refused (en)")
        log_in(a.base, "root.web", password)
        check("pt-web" in driver.page_source, "the administrator lists the patient")
        driver.get(a.base + "/patients/pt-web")
        check("Who looked at or changed this record" in driver.page_source and
              "serve:" in driver.page_source, "the patient page lists who changed it")
        driver.get(a.base + "/patients/pt-web")  # a look is listed from the next one on
        check("root.web" in driver.page_source, "the patient page lists who looked")
        axe("patient page with accounts (en)")
        driver.get(a.base + "/login")
        submit(driver.find_element(By.XPATH, "//form[@action='/logout']//button"))
        check(driver.current_url.startswith(a.base + "/login"), "logged out")
        log_in(a.base, "pat.web", password)
        check(driver.current_url.startswith(a.base + "/patients/pt-web"),
              f"a patient lands on their own page: {driver.current_url}")
        check(not driver.find_elements(By.ID, "r-value"), "a patient has no record form")
        axe("own page of a patient (en)")
        driver.get(a.base + "/patients/pt-web?lang=zh-CN")
        axe("own page of a patient (zh)")
        shots("patient-own")
        driver.get(a.base + "/login?lang=zh-CN")
        axe("account (zh)")
    finally:
        a.cleanup()


try:
    driver.get(f"{s.base}/?key={s.key}")
    check(driver.current_url.rstrip("/") == s.base, f"the key is taken out of the address: {driver.current_url}")
    check("cyclosporine-itp" in driver.page_source, "the regimen list")
    lang_is("en", "regimen list")
    axe("regimen list (en)")
    shots("regimens")
    driver.get(f"{s.base}/?lang=zh-CN")
    lang_is("zh-CN", "regimen list (zh)")
    axe("regimen list (zh)")

    # --- the ITP form, with the keyboard alone
    driver.get(f"{s.base}/regimens/cyclosporine-itp")
    axe("ITP form (en)")
    shots("form")
    hint = driver.find_element(By.ID, "f-dose-hint").text
    check("4 mg/kg/d" in hint and "6 mg/kg/d" in hint and "itp6-003" in hint,
          f"the dose range and its source beside the field: {hint}")
    weight = driver.find_element(By.ID, "f-weight")
    weight.click()
    weight.send_keys("60")
    type_date("f-start", start)
    submit(weight, Keys.ENTER)
    page = driver.page_source
    check("300 mg" in page, "the plan page says 300 mg a day")
    check(driver.find_element(By.ID, "print").is_displayed(), "app.js shows the Print button")
    axe("plan page (en)")
    shots("plan")

    # --- downloads, read back
    before = set(glob.glob(os.path.join(downloads, "*")))
    driver.find_element(By.CSS_SELECTOR, "button[name=format][value=pdf]").click()
    pdf = wait_download(".pdf", before)
    check(pdf is not None, "the PDF downloads")
    if pdf:
        text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True).stdout
        check("cycloSPORINE" in text and "300 mg" in text and "Educational aid" in text,
              "the PDF reads back: cycloSPORINE, 300 mg, the disclaimer")
    before = set(glob.glob(os.path.join(downloads, "*")))
    driver.find_element(By.CSS_SELECTOR, "button[name=format][value=ics]").click()
    ics = wait_download(".ics", before)
    check(ics is not None, "the calendar downloads")
    if ics:
        cal = icalendar.Calendar.from_ical(open(ics, "rb").read())
        events = [c for c in cal.walk() if c.name == "VEVENT"]
        check(len(events) >= 10 and all(str(e.get("UID")) for e in events), f"ICS: {len(events)} events with UIDs")

    # --- Chinese
    submit(driver.find_element(By.CSS_SELECTOR, "nav.toolbar button[lang=zh-CN]"))
    lang_is("zh-CN", "plan page (zh)")
    check("环孢素" in driver.page_source and "300 mg" in driver.page_source, "the plan in Chinese")
    axe("plan page (zh)")
    shots("plan-zh")
    submit(driver.find_element(By.CSS_SELECTOR, "nav.toolbar button[lang=en]"))
    lang_is("en", "back to English")

    # --- an out-of-range dose: its error beside the field, nothing planned
    driver.get(f"{s.base}/regimens/cyclosporine-itp")
    driver.find_element(By.ID, "f-weight").send_keys("60")
    set_value("f-start", start.isoformat())
    dose = driver.find_element(By.ID, "f-dose")
    dose.clear()
    submit(dose, "9", Keys.ENTER)
    error = driver.find_element(By.ID, "f-dose-error").text
    check("4–6 mg/kg/day" in error and "itp6-003" in error and "input.out_of_range" in error,
          f"the dose's error beside it: {error}")
    check(driver.find_element(By.ID, "f-dose").get_attribute("aria-invalid") == "true", "the field is marked invalid")
    check(driver.find_element(By.ID, "f-weight").get_attribute("value") == "60", "the form keeps what was typed")
    check("print" not in [e.get_attribute("id") for e in driver.find_elements(By.TAG_NAME, "button")],
          "no plan page")
    axe("refused form (en)")
    shots("form-error")

    # --- track this patient, record creatinine, see the advice
    driver.find_element(By.ID, "f-dose").clear()
    driver.find_element(By.ID, "f-creatinine").send_keys("80")
    submit(driver.find_element(By.ID, "f-dose"), "5", Keys.ENTER)
    label = driver.find_element(By.ID, "track-label")
    submit(label, "pt-web", Keys.ENTER)
    check("/patients/pt-web" in driver.current_url, f"tracked: {driver.current_url}")
    axe("patient page, nothing recorded (en)")
    for value, unit, day in (("80", "umol/L", baseline_day), ("1.2", "mg/dL", today)):
        driver.find_element(By.CSS_SELECTOR, "#r-test option[value=creatinine]").click()
        driver.find_element(By.ID, "r-value").send_keys(value)
        driver.find_element(By.CSS_SELECTOR, f"#r-unit option[value='{unit}']").click()
        type_date("r-date", day)
        submit(driver.find_element(By.ID, "r-value"), Keys.ENTER)
    items = driver.find_elements(By.CSS_SELECTOR, "li[data-rule=creatinine-rise-25]")
    check(items and items[0].get_attribute("data-status") == "reached",
          "80 → 1.2 mg/dL (106.1 µmol/L, +32.6 %): the 25 % rule is reached")
    check("Educational aid" in driver.page_source, "the advice carries the disclaimer")
    axe("patient page (en)")
    shots("patient")
    driver.get(f"{s.base}/patients/pt-web?lang=zh-CN")
    lang_is("zh-CN", "patient page (zh)")
    axe("patient page (zh)")
    for path in ("/patients", "/due", "/patients?lang=zh-CN", "/due?lang=zh-CN",
                 "/regimens/cyclophosphamide-iv-scot", "/regimens/cyclosporine-itp/rules"):
        driver.get(s.base + path)
        axe(path)
    driver.get(s.base + "/due")
    check("pt-web" in driver.page_source, "the clinic's due list shows the patient")
    shots("due")
    accounts_pages()
finally:
    driver.quit()
    s.cleanup()

print(f"browser_test: axe on {len(axe_checked)} pages; {len(failures)} failures")
sys.exit(1 if failures else 0)
