#!/usr/bin/env python3
"""`sweep ui` in a real browser (Debian's chromium through chromedriver and
python3-selenium): start a sweep, open the dashboard, see runs appear live,
brush the parallel coordinates and see the table filter, follow a run's
stdout (and see the stop button --actions offers), compare two runs, and check that markup in parameters, metric names
and stderr never runs. Screenshots are kept in the work folder.

usage: ui_e2e_test.py <sweep binary> <work dir>
Exit 77 (skipped) without selenium, chromium or chromedriver.
"""
import base64
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

# Generous: the suite runs on a loaded 2-core machine. Conditions are
# waited for, never assumed after a fixed sleep.
WAIT_SECONDS = 60
SKIP = 77
FAILURE_DIR = []
# A 1x1 red PNG, for the image preview.
ONE_PIXEL_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"  # where a failed wait leaves its screenshot (the work folder)

try:
    from selenium import webdriver
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait
except ImportError:
    print("SKIP: python3-selenium is not installed")
    sys.exit(SKIP)


def find_browser():
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver") or ("/usr/lib/chromium/chromedriver" if os.path.exists("/usr/lib/chromium/chromedriver") else None)
    return chromium, driver


def start_browser(chromium, driver_path, profile):
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--window-size=1400,1000", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(driver_path), options=options)


def wait(driver, what, condition):
    try:
        return WebDriverWait(driver, WAIT_SECONDS, poll_frequency=0.2).until(lambda d: condition(d))
    except Exception as e:  # noqa: BLE001 - any failure to satisfy is the test's failure
        print("page at failure:", driver.current_url, "errors:", driver.execute_script("return document.body.dataset.errors || ''"))
        driver.save_screenshot(os.path.join(FAILURE_DIR[0], "failure.png")) if FAILURE_DIR else None
        raise AssertionError(f"timed out waiting for: {what}") from e


def attr_int(driver, css, name):
    els = driver.find_elements(By.CSS_SELECTOR, css)
    if not els:
        return -1
    value = els[0].get_attribute(name)
    return int(value) if value and value.isdigit() else -1


def texts(driver, css):
    """The text of the elements matching `css`, read in one script: the
    live table replaces its rows on every redraw, so an element found in
    one call may be gone by the next."""
    return driver.execute_script("return [...document.querySelectorAll(arguments[0])].map((e) => e.textContent)", css)


def assert_no_script_ran(driver, where):
    body = driver.find_element(By.TAG_NAME, "body")
    assert body.get_attribute("data-pwned") is None, f"{where}: markup from the data ran script"
    errors = body.get_attribute("data-errors")
    assert errors is None, f"{where}: script errors: {errors}"
    try:
        driver.switch_to.alert
        raise AssertionError(f"{where}: an alert opened")
    except NoAlertPresentException:
        pass
    assert not driver.find_elements(By.CSS_SELECTOR, 'img[src="x"]'), f"{where}: markup became an element"


def main():
    sweep_bin, work = sys.argv[1], sys.argv[2]
    chromium, driver_path = find_browser()
    if not chromium or not driver_path:
        print("SKIP: chromium and chromedriver are needed")
        return SKIP
    here = os.path.dirname(os.path.abspath(__file__))
    program = os.path.join(here, "..", "programs", "ui_trial.py")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    FAILURE_DIR.append(work)
    with open(os.path.join(work, "spec.yaml"), "w") as f:
        f.write(f"""name: live
program: {program}
method: grid
metric:
  name: loss
  goal: minimize
parameters:
  x:
    values: [0, 1, 2, 3]
  tag:
    values: ["plain", "<img src=x onerror=\\"document.body.dataset.pwned=1\\">"]
  steps:
    value: 24
""")
    procs = []
    profile = tempfile.mkdtemp()
    driver = None
    try:
        run = subprocess.Popen([sweep_bin, "run", "spec.yaml", "--agents", "2"], cwd=work,
                               stdout=open(os.path.join(work, "run.log"), "w"), stderr=subprocess.STDOUT)
        procs.append(run)
        store = os.path.join(work, ".sweep", "sweep.db")
        # The dashboard opens the store read-only: wait until `sweep run`
        # has created (and migrated) it and recorded the sweep.
        deadline = time.time() + WAIT_SECONDS
        while time.time() < deadline:
            listed = subprocess.run([sweep_bin, "sweeps", "--store", store], capture_output=True, text=True)
            if listed.returncode == 0 and "live" in listed.stdout:
                break
            time.sleep(0.2)
        ui = subprocess.Popen([sweep_bin, "ui", "--store", store, "--port", "0", "--actions"], cwd=work,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        procs.append(ui)
        line = ui.stdout.readline()
        match = re.search(r"http://\S+", line)
        assert match, f"sweep ui printed no URL: {line!r}"
        url = match.group(0)
        print("dashboard at", url)

        driver = start_browser(chromium, driver_path, profile)
        driver.get(url)
        wait(driver, "the sweep in the list", lambda d: d.find_elements(By.CSS_SELECTOR, "#sweeps tr[data-sweep] a"))
        driver.save_screenshot(os.path.join(work, "sweeps.png"))
        driver.find_element(By.CSS_SELECTOR, "#sweeps tr[data-sweep] a").click()
        wait(driver, "the sweep page", lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-status") == "done")
        first = attr_int(driver, "#runs", "data-rows")
        # Runs appear live, without a reload: the grid has 8 points.
        wait(driver, "more runs to appear live", lambda d: attr_int(d, "#runs", "data-rows") > max(first, 0))
        wait(driver, "all 8 runs", lambda d: attr_int(d, "#runs", "data-rows") == 8)
        wait(driver, "a finished run in the history", lambda d: d.find_element(By.ID, "history").get_attribute("data-results") not in (None, "0"))
        driver.save_screenshot(os.path.join(work, "sweep.png"))
        assert_no_script_ran(driver, "sweep page")

        # Brush the first axis (x) of the parallel coordinates over its
        # lower part: the table keeps only the runs inside.
        box = driver.find_element(By.ID, "parallel")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
        canvas = driver.find_element(By.CSS_SELECTOR, "#parallel canvas")
        height = box.size["height"]
        left = 60 - box.size["width"] // 2  # the first axis sits at parallel.left = 60 px
        top = 40 - height // 2
        ActionChains(driver).move_to_element_with_offset(canvas, left, top + (height - 70) // 2) \
            .click_and_hold().move_by_offset(0, (height - 70) // 2 + 5).release().perform()
        wait(driver, "the brushed table to shrink", lambda d: 0 < attr_int(d, "#runs", "data-rows") < 8)
        assert "selected" in driver.find_element(By.CSS_SELECTOR, ".selection").text
        driver.save_screenshot(os.path.join(work, "brushed.png"))

        # A live run's page follows its stdout.
        sweep_page = driver.current_url
        # The sweep's runs from the API (the table shows only the brushed ones).
        sweep_id = sweep_page.split("#/sweep/")[1]
        runs = driver.execute_script(
            "return fetch('api/sweeps/' + arguments[0]).then((r) => r.json()).then((d) => d.runs.id.map((id, i) => [id, d.runs.state[i]]))",
            sweep_id)
        running = [run_id for run_id, state in runs if state == "running"]
        driver.get(sweep_page.split("#")[0] + "#/run/" + (running[0] if running else runs[0][0]))
        wait(driver, "the run page", lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-status") == "done")
        text = driver.find_element(By.ID, "stdout").text
        seen = len(re.findall(r"tick \d+", text))
        if running:
            wait(driver, "a new stdout line", lambda d: len(re.findall(r"tick \d+", d.find_element(By.ID, "stdout").text)) > seen)
            # With --actions a live run's page offers to stop it (the POST and
            # its CSRF guard: HttpServerTest.StopRunNeedsActionsAndTheCsrfGuard).
            assert driver.find_elements(By.ID, "stop-run"), "no stop button on a live run's page"
        wait(driver, "the metric charts", lambda d: attr_int(d, "#metrics", "data-drawn") > 0)
        driver.save_screenshot(os.path.join(work, "run.png"))
        assert_no_script_ran(driver, "run page")

        # The failed run (x = 0) shows its stderr as text.
        wait(driver, "the sweep to end", lambda d: run.poll() is not None)
        driver.get(sweep_page)
        wait(driver, "the sweep page again", lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-status") == "done")
        failed = wait(driver, "a failed run", lambda d: d.execute_script(
            "return [...document.querySelectorAll('#runs .vrow.st-row-failed')].map((r) => r.dataset.run)"))

        # A tag given on the command line shows in the tags column live, as
        # text; a deleted run leaves the open page without a reload.
        tagged = failed[0]
        subprocess.run([sweep_bin, "tag", "--store", store, tagged, "<b>bold</b>"], check=True, capture_output=True)
        wait(driver, "the new tag in the table", lambda d: "<b>bold</b>" in texts(d, f'#runs .vrow[data-run="{tagged}"] span'))
        gone = failed[-1]
        subprocess.run([sweep_bin, "rm", "--store", store, "-y", gone], check=True, capture_output=True)
        wait(driver, "the deleted run to leave the table", lambda d: attr_int(d, "#runs", "data-rows") == 7)
        assert not driver.find_elements(By.CSS_SELECTOR, f'#runs .vrow[data-run="{gone}"]'), "deleted run still shown"
        assert_no_script_ran(driver, "sweep page after tag and rm")

        # Contour and EDF draw once scrolled to.
        for chart in ("contour", "edf"):
            driver.execute_script("document.getElementById(arguments[0]).scrollIntoView({block: 'center'})", chart)
            wait(driver, f"the {chart} chart", lambda d, c=chart: attr_int(d, f"#{c}", "data-drawn") > 0)
            driver.save_screenshot(os.path.join(work, f"{chart}.png"))

        # Curves against another logged key (epoch) instead of the step.
        driver.execute_script("document.getElementById('curves').scrollIntoView({block: 'center'})")
        wait(driver, "the curves", lambda d: attr_int(d, "#curves", "data-drawn") > 0)
        Select(driver.find_element(By.ID, "curve-x")).select_by_value("key:epoch")
        wait(driver, "curves against epoch", lambda d: d.find_element(By.ID, "curves").get_attribute("data-x") == "epoch"
             and attr_int(d, "#curves", "data-drawn") > 0)
        driver.save_screenshot(os.path.join(work, "curves_epoch.png"))

        # The column chooser hides a column, and the choice survives a reload.
        driver.execute_script("document.getElementById('columns').open = true")
        driver.find_element(By.CSS_SELECTOR, '#columns input[data-column="id"]').click()
        header = lambda d: texts(d, "#runs .vhead span")
        wait(driver, "the id column to go", lambda d: "id" not in header(d))
        driver.refresh()
        wait(driver, "the sweep page after a reload", lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-status") == "done")
        assert "id" not in header(driver) and "tags" in header(driver), header(driver)
        driver.execute_script("localStorage.clear()")

        # The projects list links to the project's sweeps.
        driver.get(sweep_page.split("#")[0] + "#/projects")
        wait(driver, "the projects list", lambda d: d.find_elements(By.CSS_SELECTOR, "#projects tr[data-project] a"))
        row = driver.find_element(By.CSS_SELECTOR, "#projects tr[data-project]")
        assert row.find_elements(By.TAG_NAME, "td")[2].text == "7", row.text
        driver.save_screenshot(os.path.join(work, "projects.png"))
        row.find_element(By.TAG_NAME, "a").click()
        wait(driver, "the project's sweeps", lambda d: d.find_elements(By.CSS_SELECTOR, "#sweeps tr[data-sweep] a"))
        # The run folder holds a git diff (as `sweep run` saves one from a
        # dirty tree): the run page lists the folder and shows the diff as text.
        run_dir = driver.execute_script(
            "return fetch('api/runs/' + arguments[0]).then((r) => r.json()).then((j) => j.run_dir)", failed[0])
        with open(os.path.join(run_dir, "diff.patch"), "w") as f:
            f.write("+<img src=x onerror=\"document.body.dataset.pwned=1\">\n")
        # Previews: a text file holding markup shows as text; a PNG as an image.
        with open(os.path.join(run_dir, "notes.txt"), "w") as f:
            f.write("<script>document.body.dataset.pwned=1</script><b>not bold</b>\n")
        with open(os.path.join(run_dir, "dot.png"), "wb") as f:
            f.write(base64.b64decode(ONE_PIXEL_PNG))
        # Lineage: failed[0] logs an artifact version (aliased "best"),
        # another run uses it; each run page lists it, the consumer's with a
        # link to the producer.
        subprocess.run([sweep_bin, "artifact", "log", "--store", store, os.path.join(run_dir, "diff.patch"),
                        "--run", failed[0], "--name", "patch", "--type", "dataset", "--alias", "best"],
                       check=True, capture_output=True)
        consumer = next(run_id for run_id, _ in runs if run_id not in (failed[0], gone))
        subprocess.run([sweep_bin, "artifact", "use", "--store", store, "patch:latest", "--run", consumer],
                       check=True, capture_output=True)
        driver.get(sweep_page.split("#")[0] + "#/run/" + consumer)
        wait(driver, "the consumer's lineage", lambda d: d.find_elements(By.CSS_SELECTOR, "#lineage-consumed tr[data-ref='patch:v0'] a"))
        producer = driver.find_element(By.CSS_SELECTOR, "#lineage-consumed tr[data-ref='patch:v0'] a")
        assert producer.text == failed[0], producer.text
        driver.execute_script("document.getElementById('lineage').scrollIntoView()")
        driver.save_screenshot(os.path.join(work, "lineage.png"))
        driver.get(sweep_page.split("#")[0] + "#/run/" + failed[0])
        wait(driver, "the producer's lineage", lambda d: "best, latest" in texts(d, "#lineage-produced td"))
        driver.get(sweep_page.split("#")[0] + "#/run/" + failed[0])
        wait(driver, "the failed run's stderr", lambda d: "failed on purpose" in d.find_element(By.ID, "stderr").text)
        assert "<script>" in driver.find_element(By.ID, "stderr").text, "stderr markup should show as text"
        wait(driver, "the run's files", lambda d: "stdout.log" in texts(d, "#files a"))
        wait(driver, "the git diff", lambda d: "<img src=x" in d.find_element(By.ID, "diff").text)
        driver.find_element(By.CSS_SELECTOR, '#files tr[data-file="notes.txt"] button.preview').click()
        wait(driver, "the text preview", lambda d: any("<b>not bold</b>" in t for t in texts(d, "#file-preview pre.preview-text")))
        assert not driver.find_elements(By.CSS_SELECTOR, "#file-preview b, #file-preview script"), "preview rendered markup"
        driver.find_element(By.CSS_SELECTOR, '#files tr[data-file="dot.png"] button.preview').click()
        wait(driver, "the image preview", lambda d: d.execute_script(
            "const i = document.querySelector('#file-preview img'); return i && i.complete && i.naturalWidth === 1"))
        driver.execute_script("document.getElementById('files').scrollIntoView()")
        driver.save_screenshot(os.path.join(work, "files.png"))
        href = driver.find_element(By.CSS_SELECTOR, '#files tr[data-file="stdout.log"] a').get_attribute("href")
        fetch = "return fetch(arguments[0]).then(async (r) => [r.status, await r.text()])"
        status, body = driver.execute_script(fetch, href)
        assert status == 200 and "tick 0" in body, (status, body[:200])
        status, body = driver.execute_script(fetch, f"api/runs/{failed[0]}/file?path=" + "..%2F..%2Fspec.yaml")
        assert status == 400 and "program:" not in body, (status, body[:200])
        assert_no_script_ran(driver, "failed run page")

        # Compare two runs: tick them in the table.
        driver.get(sweep_page)
        wait(driver, "the table", lambda d: len(d.find_elements(By.CSS_SELECTOR, "#runs .vrow[data-run] input")) >= 2)
        boxes = driver.find_elements(By.CSS_SELECTOR, "#runs .vrow[data-run] input")
        boxes[0].click()
        boxes[1].click()
        driver.find_element(By.XPATH, "//button[text()='Compare selected']").click()
        wait(driver, "the compare page", lambda d: d.find_elements(By.CSS_SELECTOR, "#params tr.differs"))
        wait(driver, "overlaid curves", lambda d: attr_int(d, "#curves", "data-drawn") > 0)
        driver.save_screenshot(os.path.join(work, "compare.png"))
        assert_no_script_ran(driver, "compare page")
        print("PASS: screenshots in", work)
        return 0
    finally:
        if driver is not None:
            driver.quit()
        for p in procs:
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    p.kill()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
