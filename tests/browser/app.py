"""The office's pages in a real browser (Debian's chromium, headless).

Run by tests/browser/app.sh, which starts mipsreviewd on 127.0.0.1 with a
seeded database and an officer account.  Drives: sign-in, the due list, a
case page, a status move, an upload, a packet download and sign-out, with
screenshots of the main pages in ARTEFACTS.  Names and notes holding
script payloads must show as text and never run.

usage: app.py BASE_URL ARTEFACTS ACCOUNT PASSWORD CASE_ID UPLOAD_FILE
"""
import os
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import (NoAlertPresentException,
                                        WebDriverException)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

base, artefacts, account, password, case_id, upload = sys.argv[1:7]
downloads = os.path.join(artefacts, "downloads")
os.makedirs(downloads, exist_ok=True)
failures = []


def check(what, cond):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)


def no_alert(where):
    try:
        text = driver.switch_to.alert.text
        driver.switch_to.alert.dismiss()
        check(f"{where}: no script ran (an alert said {text!r})", False)
    except NoAlertPresentException:
        check(f"{where}: no script ran", True)


def shot(name):
    driver.save_screenshot(os.path.join(artefacts, name + ".png"))


def navigates(action):
    """Do action and wait until the page it leads to has replaced this one.

    The old page is marked with a script variable; the new page has none.
    No element of the old page is held meanwhile: under load chromedriver
    may answer a question about one with "Node ... does not belong to the
    document" instead of calling it stale, and a wait that only expects
    staleness then fails.
    """
    driver.execute_script("window.mrOldPage = true;")
    action()

    def arrived(d):
        try:
            return d.execute_script(
                "return window.mrOldPage === undefined && "
                "document.readyState === 'complete';")
        except WebDriverException:
            return False    # between the two pages
    WebDriverWait(driver, 15, ignored_exceptions=(WebDriverException,)
                  ).until(arrived)


def find(css):
    """The element of the current page, waited for (never an old one)."""
    return WebDriverWait(driver, 15).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, css)))


def fits(where):
    """At this width nothing but the tables' own boxes scrolls sideways."""
    wide, room = driver.execute_script(
        "return [document.documentElement.scrollWidth, "
        "document.documentElement.clientWidth];")
    check(f"{where} at 375 px: no sideways scroll ({wide} <= {room})",
          wide <= room)


def submit(form):
    button = form.find_element(By.CSS_SELECTOR, "button[type=submit]")
    navigates(button.click)


opts = webdriver.ChromeOptions()
for a in ("--headless", "--no-sandbox", "--disable-gpu",
          "--disable-dev-shm-usage", "--window-size=1280,900"):
    opts.add_argument(a)
opts.add_experimental_option("prefs", {
    "download.default_directory": downloads,
    "download.prompt_for_download": False,
})
service = Service(executable_path="/usr/bin/chromedriver")
driver = webdriver.Chrome(options=opts, service=service)
driver.set_page_load_timeout(20)
try:
    # -- sign in
    driver.get(base + "/app/login")
    check("the sign-in form starts in the account field",
          driver.switch_to.active_element.get_attribute("id") == "user")
    shot("login")
    driver.find_element(By.ID, "user").send_keys(account)
    navigates(lambda: driver.find_element(By.ID, "password").send_keys(
        password + Keys.ENTER))
    driver.get(base + "/app/due")
    h1 = find("h1").text
    check("signed in: the due list", h1 == "What is due")
    # by keyboard: the first Tab reaches the skip link, which leads to main
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    active = driver.switch_to.active_element
    check("the first Tab reaches the skip link",
          active.get_attribute("class") == "skip")
    active.send_keys(Keys.ENTER)
    check("the skip link moves focus to the main content",
          driver.switch_to.active_element.get_attribute("id") == "main")

    # -- what is due: the payload name is text, no script ran
    body = driver.find_element(By.TAG_NAME, "body").text
    check("due: the name with a script payload is shown as text",
          "Dr. <script>alert('name')</script>" in body)
    no_alert("due")
    scripts = [e.get_attribute("src") for e in
               driver.find_elements(By.TAG_NAME, "script")]
    check(f"due: the only script is the site's own ({scripts})",
          len(scripts) == 1 and scripts[0].endswith("/app/app.js"))
    check("due: an overdue or undated item is marked",
          len(driver.find_elements(By.CSS_SELECTOR, ".overdue, .undated")) > 0)
    shot("due")
    # at 375 px wide (a phone) every main page fits: nothing but the
    # tables' own boxes scrolls sideways
    driver.set_window_size(375, 800)
    WebDriverWait(driver, 15).until(lambda d: d.execute_script(
        "return window.innerWidth") <= 375)
    for path, name in (("/app/due", "due"), ("/app/cases", "cases"),
                       (f"/app/cases/{case_id}", "case"),
                       (f"/app/cases/{case_id}/whatif", "whatif"),
                       ("/app/hardship", "hardship"),
                       ("/app/windows", "windows"), ("/app/feeds", "feeds")):
        driver.get(base + path)
        find("h1")
        fits(name)
        shot(f"{name}-375px")
    # the measure itself: a page that is too wide is seen to be
    wide, room = driver.execute_script(
        "var d = document.createElement('div'); d.style.width = '600px';"
        "d.style.height = '1px'; document.body.appendChild(d);"
        "return [document.documentElement.scrollWidth,"
        " document.documentElement.clientWidth];")
    check(f"a 600 px element is seen to scroll sideways ({wide} > {room})",
          wide > room)
    driver.set_window_size(1280, 900)
    WebDriverWait(driver, 15).until(lambda d: d.execute_script(
        "return window.innerWidth") > 375)

    # -- cases, then the case page
    driver.get(base + "/app/cases")
    shot("cases")
    navigates(find(f'a[href="/app/cases/{case_id}"]').click)
    check("case page opened", find("h1").text == f"Case {case_id}")
    body = driver.find_element(By.TAG_NAME, "body").text
    check("case: the note with a script payload is shown as text",
          "<img src=x onerror=alert('note')>" in body)
    no_alert("case")
    check("case: the checklist is there",
          "Evidence checklist" in body and "missing" in body)
    shot("case")

    # -- upload a document
    driver.find_element(By.ID, "file").send_keys(upload)
    driver.find_element(By.ID, "ev-note").send_keys("portal receipt")
    submit(driver.find_element(By.ID, "file").find_element(By.XPATH, "./ancestor::form"))
    body = find("body").text
    check("upload: the page says it was attached",
          "The document was attached." in body)
    check("upload: the file is listed with its hash",
          os.path.basename(upload) in body and
          len(driver.find_elements(By.CSS_SELECTOR, "td.hash")) >= 1)
    shot("case-uploaded")

    # -- a status move the workflow allows
    navigates(find('button[name=move][value=submitted]').click)
    body = find("body").text
    check("status move: the page says so", "The status was changed." in body)
    check("status move: the case is submitted",
          "submitted" in driver.find_element(By.CSS_SELECTOR, "dl dd").text)
    shot("case-submitted")

    # -- acknowledge the deadline with the button
    check("ack: the case says it is not acknowledged",
          "Not acknowledged" in find("body").text)
    find("form.ack input[name=note]").send_keys("Ada is on it")
    submit(find("form.ack"))
    body = find("body").text
    check("ack: the page says it was acknowledged",
          "The deadline was acknowledged" in body)
    check("ack: by whom, with the note",
          "Acknowledged by ofc at" in body and "Ada is on it" in body)
    check("ack: no button any more",
          len(driver.find_elements(By.CSS_SELECTOR, "form.ack")) == 0)
    shot("case-acknowledged")

    # -- a hardship filing moved on the filings page, by keyboard
    driver.get(base + "/app/hardship")
    state = find("select[name=state]")
    state.send_keys("submitted")
    note = find("input[id^=filing-note-]")
    note.send_keys("sent by portal")
    navigates(lambda: note.send_keys(Keys.ENTER))
    body = find("body").text
    check("filing move: the page says so",
          "The filing's status was changed." in body)
    check("filing move: the filing is submitted",
          "submitted" in find("tr[id^=filing-]").text)
    shot("hardship-moved")

    # -- the packet download
    driver.get(base + f"/app/cases/{case_id}")
    find('a[href$="/packet"]').click()
    want = os.path.join(downloads, f"case-{case_id}-packet.zip")
    for _ in range(100):
        if os.path.exists(want) and not os.path.exists(want + ".crdownload"):
            break
        time.sleep(0.1)
    ok = os.path.exists(want)
    check("packet: downloaded", ok)
    if ok:
        with open(want, "rb") as f:
            check("packet: a zip archive", f.read(2) == b"PK")

    # -- sign out: the session is over
    submit(find("form.signout"))
    check("signed out: back at the sign-in form", find("h1").text == "Sign in")
    driver.get(base + "/app/due")
    h1 = find("h1").text
    check(f"signed out: the due list asks to sign in again ({h1})",
          h1 == "Sign in")
    shot("signed-out")
finally:
    driver.quit()

print(f"{len(failures)} failed")
sys.exit(1 if failures else 0)
