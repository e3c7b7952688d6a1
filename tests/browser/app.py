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
from selenium.common.exceptions import NoAlertPresentException
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
    """Do action and wait until the page it leads to has replaced this one."""
    old = driver.find_element(By.TAG_NAME, "html")
    action()
    WebDriverWait(driver, 15).until(EC.staleness_of(old))
    WebDriverWait(driver, 15).until(
        lambda d: d.execute_script("return document.readyState") == "complete")


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
    h1 = driver.find_element(By.TAG_NAME, "h1").text
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
    # at 375 px wide nothing but the tables' own boxes scrolls sideways
    driver.set_window_size(375, 800)
    time.sleep(0.3)
    width = driver.execute_script(
        "return document.documentElement.scrollWidth")
    check(f"due at 375 px: the page is no wider ({width})", width <= 375)
    shot("due-375px")
    driver.set_window_size(1280, 900)

    # -- cases, then the case page
    driver.get(base + "/app/cases")
    shot("cases")
    link = driver.find_element(By.CSS_SELECTOR,
                               f'a[href="/app/cases/{case_id}"]')
    navigates(link.click)
    check("case page opened",
          driver.find_element(By.TAG_NAME, "h1").text == f"Case {case_id}")
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
    body = driver.find_element(By.TAG_NAME, "body").text
    check("upload: the page says it was attached",
          "The document was attached." in body)
    check("upload: the file is listed with its hash",
          os.path.basename(upload) in body and
          len(driver.find_elements(By.CSS_SELECTOR, "td.hash")) >= 1)
    shot("case-uploaded")

    # -- a status move the workflow allows
    move = driver.find_element(By.CSS_SELECTOR,
                               'button[name=move][value=submitted]')
    navigates(move.click)
    body = driver.find_element(By.TAG_NAME, "body").text
    check("status move: the page says so", "The status was changed." in body)
    check("status move: the case is submitted",
          "submitted" in driver.find_element(By.CSS_SELECTOR, "dl dd").text)
    shot("case-submitted")

    # -- the packet download
    driver.find_element(By.CSS_SELECTOR, 'a[href$="/packet"]').click()
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
    submit(driver.find_element(By.CSS_SELECTOR, "form.signout"))
    check("signed out: back at the sign-in form",
          driver.find_element(By.TAG_NAME, "h1").text == "Sign in")
    driver.get(base + "/app/due")
    h1 = driver.find_element(By.TAG_NAME, "h1").text
    check(f"signed out: the due list asks to sign in again ({h1})",
          h1 == "Sign in")
    shot("signed-out")
finally:
    driver.quit()

print(f"{len(failures)} failed")
sys.exit(1 if failures else 0)
