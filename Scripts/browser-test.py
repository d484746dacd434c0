#!/usr/bin/env python3
"""The pages in a real browser: headless Chromium driven by Selenium against a real `tandem serve`
over HTTPS, as a lab's project lead would use them. Each step saves a screenshot under
`.build/browser/`, and axe-core (from axe-selenium-python) checks every page: a serious or
critical violation fails the run.

Chromium trusts exactly the node's certificate (its public key's SHA-256, passed with
--ignore-certificate-errors-spki-list), not any certificate.

Usage: Scripts/browser-test.py path/to/tandem
"""
import base64
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import http.cookiejar
import urllib.parse
import urllib.request
from html.parser import HTMLParser

from axe_selenium_python import Axe
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHOTS = os.path.join(ROOT, ".build", "browser")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]



class FormReader(HTMLParser):
    """The fields a page's forms would post, as a browser fills them in: inputs' values, textareas'
    text, the selected option of each select (the last form's fields win on a name both forms have)."""

    def __init__(self):
        super().__init__()
        self.fields, self.textarea, self.select = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "checkbox", "radio"):
            self.fields[name] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self.textarea = name
            self.fields[name] = ""
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.fields[self.select] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += data

class Run:
    def __init__(self, tandem):
        self.tandem = tandem
        self.folder = tempfile.mkdtemp(prefix="tandem-browser-")
        self.port = free_port()
        self.base = f"https://127.0.0.1:{self.port}"
        self.step = 0
        self.failures = []

    def start_node(self):
        self.log = open(os.path.join(self.folder, "serve.log"), "w")
        self.node = subprocess.Popen(
            [self.tandem, "serve", "--data-dir", os.path.join(self.folder, "node"), "--port", str(self.port)],
            stdout=self.log, stderr=subprocess.STDOUT, cwd=self.folder)
        cert = os.path.join(self.folder, "node", "cert.pem")
        for _ in range(150):
            if os.path.exists(cert):
                try:
                    self.api("GET", "/healthz")
                    break
                except OSError:
                    pass
            time.sleep(0.2)
        else:
            sys.exit("the node did not start; its log: " + open(os.path.join(self.folder, "serve.log")).read())
        self.token = subprocess.run(
            [self.tandem, "token", "create", "--name", "browser-test", "--data-dir", os.path.join(self.folder, "node")],
            check=True, capture_output=True, text=True, cwd=self.folder).stdout.strip()

    def api(self, method, path, body=None, headers=None):
        """A request to the node's JSON API, trusting its certificate only."""
        context = ssl.create_default_context(cafile=os.path.join(self.folder, "node", "cert.pem"))
        request = urllib.request.Request(self.base + path, method=method, data=body, headers=headers or {})
        with urllib.request.urlopen(request, context=context, timeout=10) as response:
            return response.status, dict(response.headers), response.read()

    def other_session_edits(self, path, summary):
        """Another editor's session, in another client: signs in with the form, opens the edit form
        of `path` and publishes it with a new summary (every other field as the form offers it)."""
        context = ssl.create_default_context(cafile=os.path.join(self.folder, "node", "cert.pem"))
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), urllib.request.HTTPSHandler(context=context))

        def form_of(address):
            with opener.open(self.base + address, timeout=10) as response:
                reader = FormReader()
                reader.feed(response.read().decode())
                return reader.fields

        def post(address, fields):
            with opener.open(self.base + address, data=urllib.parse.urlencode(fields).encode(), timeout=10) as response:
                return response.status

        fields = form_of("/sign-in")
        fields["token"] = self.token
        post("/sign-in", fields)
        fields = form_of(path + "/edit")
        self.expect("version" in fields and "csrf" in fields, "the other session gets the edit form")
        fields["summary"] = summary
        self.expect(post(path + "/edit", fields) == 200, "the other session publishes")

    def spki_hash(self):
        with open(os.path.join(self.folder, "node", "cert.pem"), "rb") as f:
            certificate = x509.load_pem_x509_certificate(f.read())
        spki = certificate.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        digest = hashes.Hash(hashes.SHA256())
        digest.update(spki)
        return base64.b64encode(digest.finalize()).decode()

    def start_browser(self):
        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1100",
                         f"--ignore-certificate-errors-spki-list={self.spki_hash()}", "--lang=en-US",
                         f"--user-data-dir={os.path.join(self.folder, 'chromium')}"]:
            options.add_argument(argument)
        options.add_experimental_option("prefs", {"intl.accept_languages": "en-US,en"})
        self.driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
        self.driver.implicitly_wait(2)

    def check(self, name):
        """A screenshot of the page as it is, and axe-core's check of it."""
        self.step += 1
        path = os.path.join(SHOTS, f"{self.step:02d}-{name}.png")
        self.driver.save_screenshot(path)
        axe = Axe(self.driver)
        axe.inject()
        results = axe.run()
        bad = [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]
        for violation in bad:
            nodes = ", ".join(n["target"][0] if n.get("target") else "?" for n in violation["nodes"][:5])
            self.failures.append(f"{name}: axe {violation['impact']} {violation['id']}: {violation['help']} ({nodes})")
        others = len(results["violations"]) - len(bad)
        print(f"step {self.step:02d} {name}: {self.driver.title!r}, axe: {len(bad)} serious or critical, {others} minor; {os.path.relpath(path, ROOT)}")

    def expect(self, condition, message):
        if not condition:
            self.failures.append(f"step {self.step:02d}: {message}")
            print("  FAILED: " + message)

    def follow(self, element):
        """Clicks a link or a button and waits for the page it leads to.

        While Chromium swaps pages, asking about the old one may fail with another error than
        "stale" (its document is being torn down): that means "not yet", and the wait asks again."""
        page = self.driver.find_element(By.TAG_NAME, "html")
        element.click()

        def replaced(driver):
            try:
                page.is_enabled()
                return False
            except StaleElementReferenceException:
                return True
            except WebDriverException:
                return False

        def loaded(driver):
            try:
                return driver.execute_script("return document.readyState") == "complete"
            except WebDriverException:
                return False

        WebDriverWait(self.driver, 20).until(replaced)
        WebDriverWait(self.driver, 20).until(loaded)

    def submit(self):
        self.follow(self.driver.find_element(By.CSS_SELECTOR, "form.edit button[type=submit]"))

    def text(self):
        return self.driver.find_element(By.TAG_NAME, "body").text

    def run(self):
        d = self.driver
        # 1. The home page, as a reader arrives.
        d.get(self.base + "/")
        self.expect("Cases and practices from every city" in self.text(), "the home page has its heading")
        self.check("home")
        # 2. Search, with no accent: the French case is found, the match highlighted.
        box = d.find_element(By.ID, "q")
        box.send_keys("resilience")
        self.follow(d.find_element(By.CSS_SELECTOR, "form[role=search] button"))
        results = d.find_elements(By.CSS_SELECTOR, ".records h3 a")
        titles = [a.text for a in results]
        self.expect(any(t.startswith("Résilience") for t in titles), f"searching resilience finds Résilience…: {titles}")
        self.expect(len(d.find_elements(By.CSS_SELECTOR, ".snippet mark")) > 0, "the match is highlighted")
        self.check("search")
        # 3. Open the case.
        self.follow(next(a for a in d.find_elements(By.CSS_SELECTOR, ".records h3 a") if a.text.startswith("Résilience")))
        self.expect(d.find_element(By.TAG_NAME, "h1").text.startswith("Résilience"), "the case opens")
        self.expect("signed by the key of" in self.text(), "the page says who signed it")
        self.check("case")
        # 4. Switch to Spanish: the page speaks Spanish, and stays so on the next page.
        self.follow(d.find_element(By.CSS_SELECTOR, ".languages a[lang=es]"))
        self.expect(d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "es", "the page is in Spanish")
        self.expect("De dónde viene" in self.text(), "the provenance heading is in Spanish")
        self.check("case-in-spanish")
        # 5. Sign in with an editor token.
        self.follow(d.find_element(By.LINK_TEXT, "Iniciar sesión"))
        self.check("sign-in")
        d.find_element(By.ID, "token").send_keys(self.token)
        self.submit()
        self.expect("Sesión de browser-test" in self.text(), "signed in")
        self.check("signed-in")
        # 6. A case without a title: the error shows next to the title, in Spanish; what was typed stays.
        d.get(self.base + "/cases/new")
        d.find_element(By.ID, "field-summary").send_keys("Talleres con vecinos para rediseñar un parque.")
        Select(d.find_element(By.ID, "field-status")).select_by_value("pilot")
        self.submit()
        error = d.find_elements(By.ID, "field-title-error")
        self.expect(bool(error) and error[0].text == "es obligatorio", "the title's error is shown in place, in Spanish")
        self.expect(d.find_element(By.ID, "field-summary").get_attribute("value").startswith("Talleres"), "the summary typed is kept")
        self.check("missing-title")
        # 7. Fix it and publish.
        d.find_element(By.ID, "field-title").send_keys("Parque co-diseñado")
        self.submit()
        self.expect(d.find_element(By.TAG_NAME, "h1").text == "Parque co-diseñado", "the case is published")
        page = d.current_url
        self.check("published")
        # 8. Edit it after another editor's session (another client, signed in with the form) published first: the conflict shows.
        d.get(page + "/edit")
        self.other_session_edits(page.split(self.base, 1)[1], "Talleres con vecinas y vecinos (versión de otra sesión).")
        summary = d.find_element(By.ID, "field-summary")
        summary.clear()
        summary.send_keys("Talleres con vecinos: mi versión.")
        self.submit()
        self.expect("la versión 2 es ahora la actual" in self.text(), "the conflict is shown")
        self.expect(d.find_element(By.ID, "field-summary").get_attribute("value") == "Talleres con vecinos: mi versión.", "what was typed is kept")
        self.expect("versión de otra sesión" in self.text(), "the other version is shown")
        self.check("conflict")
        self.submit()
        self.expect("mi versión" in self.text(), "publishing again keeps the editor's text")
        # 9. Translate it into French.
        d.get(page + "/translate")
        language = d.find_element(By.ID, "field-language")
        language.clear()
        language.send_keys("fr")
        d.find_element(By.ID, "field-title").send_keys("Parc co-conçu")
        d.find_element(By.ID, "field-summary").send_keys("Des ateliers avec les habitants pour repenser un parc.")
        self.check("translate")
        self.submit()
        self.expect(d.find_element(By.TAG_NAME, "h1").text == "Parc co-conçu", "the French translation is shown")
        self.expect(d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "es", "the pages stay in Spanish")
        self.check("translated")
        # 10. Delete it, after the confirmation page: the record then says it was deleted.
        d.get(page + "/delete")
        self.check("delete")
        self.follow(d.find_element(By.CSS_SELECTOR, "main form button.danger"))
        d.get(page)
        self.expect("Este registro fue eliminado." in self.text(), "the deleted case says so")
        self.check("deleted")
        # 11. The cohort page, and the home page at phone width.
        d.get(self.base + "/cohort")
        self.check("cohort")
        d.set_window_size(390, 900)
        d.get(self.base + "/")
        self.check("phone")
        d.set_window_size(1280, 1100)
        # 12. Sign out.
        self.follow(d.find_element(By.CSS_SELECTOR, "header form button"))
        self.expect(len(d.find_elements(By.CSS_SELECTOR, "a[href='/sign-in']")) == 1, "signed out")
        self.check("signed-out")

    def stop(self):
        try:
            self.driver.quit()
        except Exception:
            pass
        self.node.terminate()
        self.node.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    shutil.rmtree(SHOTS, ignore_errors=True)
    os.makedirs(SHOTS)
    run = Run(os.path.abspath(sys.argv[1]))
    run.start_node()
    try:
        run.start_browser()
        run.run()
    finally:
        run.stop()
    if run.failures:
        print("\n".join(["browser test FAILED:"] + run.failures))
        sys.exit(1)
    print(f"browser test: {run.step} pages checked, screenshots in {os.path.relpath(SHOTS, ROOT)}/")


if __name__ == "__main__":
    main()
