#!/usr/bin/python3
"""bench/ui: the dashboard with 10,000 runs x 10 params x 100 steps.

Measures, on one synthetic store (bench_ui_store):
  - the sweep page's data API (GET /api/sweeps/ID), cold and warm;
  - first complete paint of the sweep page in headless Chromium: navigation
    start to the first frame painted with every chart in the window drawn
    (the parallel coordinates' 10,000 lines included), which the page
    records in body[data-done-ms]; charts further down draw as they scroll
    into view or in the idle time after;
  - live latency: a run ends in the store -> the open page shows it;
and beside it Optuna 3.1's plot_parallel_coordinate + plot_optimization_history
HTML generation (python3-optuna, python3-plotly) on the same 10,000 trials.
Targets (issue 13): API <= 200 ms, first paint <= 1.5 s, live <= 1 s.

usage: bench_ui.py <sweep binary> <bench_ui_store binary> [runs] [work dir]
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

RUNS = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000
PARAMS, STEPS = 10, 100
API_REPEATS = 5


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main():
    sweep_bin, store_tool = sys.argv[1], sys.argv[2]
    work = sys.argv[4] if len(sys.argv) > 4 else tempfile.mkdtemp(prefix="bench-ui-")
    os.makedirs(work, exist_ok=True)
    db = os.path.join(work, "bench.db")
    if os.path.exists(db):
        os.remove(db)
    fill_s, out = timed(lambda: subprocess.run([store_tool, "fill", db, str(RUNS), str(PARAMS), str(STEPS)],
                                               check=True, capture_output=True, text=True).stdout.split())
    sweep_id, live_run = out
    print(f"store: {RUNS} runs x {PARAMS} params x {STEPS} steps written in {fill_s:.1f} s")

    ui = subprocess.Popen([sweep_bin, "ui", "--store", db, "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        url = re.search(r"http://\S+", ui.stdout.readline()).group(0)
        api = f"{url}api/sweeps/{sweep_id}"
        times = []
        size = 0
        for _ in range(API_REPEATS):
            t, body = timed(lambda: urllib.request.urlopen(api).read())
            times.append(t)
            size = len(body)
        print(f"API GET /api/sweeps/ID: first {times[0]*1000:.0f} ms, best of {API_REPEATS} {min(times)*1000:.0f} ms, "
              f"{size/1e6:.1f} MB")
        t_imp, _ = timed(lambda: urllib.request.urlopen(f"{url}api/sweeps/{sweep_id}/importance").read())
        print(f"API GET /api/sweeps/ID/importance (fANOVA, first call): {t_imp*1000:.0f} ms")
        paint_and_live(url, sweep_id, db, store_tool, live_run)
    finally:
        ui.terminate()
        ui.wait(timeout=20)
    optuna_peer()
    if len(sys.argv) <= 4:
        shutil.rmtree(work, ignore_errors=True)


def paint_and_live(url, sweep_id, db, store_tool, live_run):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.support.ui import WebDriverWait

    profile = tempfile.mkdtemp()
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--window-size=1400,1000", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    try:
        driver.get(url)  # warm the browser and the page's script cache
        WebDriverWait(driver, 120).until(lambda d: d.execute_script("return document.body.dataset.status") == "done")
        paints = []
        for _ in range(3):
            driver.get("about:blank")
            driver.get(f"{url}#/sweep/{sweep_id}")
            WebDriverWait(driver, 120, poll_frequency=0.02).until(
                lambda d: d.execute_script("return document.body.dataset.status") == "done")
            paints.append(int(driver.execute_script("return document.body.dataset.doneMs")) / 1000)
            errors = driver.execute_script("return document.body.dataset.errors || ''")
            if errors:
                print("page errors:", errors)
        print(f"first complete paint of the sweep page (navigation -> every chart in view drawn and painted): "
              f"best {min(paints):.2f} s of {len(paints)} ({', '.join(f'{p:.2f}' for p in paints)})")
        driver.save_screenshot(os.path.join(os.path.dirname(db), "bench_sweep.png"))
        # Live latency: end the running run; time until the header says 10000 finished.
        before = driver.execute_script("return document.getElementById('header').textContent")
        results = driver.execute_script("return document.getElementById('history').dataset.results")
        start = time.perf_counter()
        subprocess.run([store_tool, "finish", db, live_run], check=True)
        written = time.perf_counter()
        WebDriverWait(driver, 60, poll_frequency=0.01).until(
            lambda d: d.execute_script("return document.getElementById('header').textContent") != before)
        seen = time.perf_counter()
        WebDriverWait(driver, 60, poll_frequency=0.01).until(
            lambda d: d.execute_script("return document.getElementById('history').dataset.results") != results)
        charts = time.perf_counter()
        print(f"live latency (run ended in the store -> the page's header shows it): {(seen - written)*1000:.0f} ms; "
              f"every chart redrawn with it: {(charts - written)*1000:.0f} ms (+{(written - start)*1000:.0f} ms to write it)")
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def optuna_peer():
    import random

    import optuna
    from optuna.distributions import FloatDistribution
    from optuna.visualization import plot_optimization_history, plot_parallel_coordinate

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    rng = random.Random(42)
    dists = {f"p{i}": FloatDistribution(0.0, 1.0) for i in range(PARAMS)}
    trials = []
    for _ in range(RUNS):
        params = {name: rng.random() for name in dists}
        value = sum(v / (i + 1) for i, v in enumerate(params.values()))
        trials.append(optuna.trial.create_trial(params=params, distributions=dists, value=value))
    study = optuna.create_study()
    study.add_trials(trials)
    out = tempfile.mkdtemp()
    t_pc, fig_pc = timed(lambda: plot_parallel_coordinate(study))
    t_pc_html, _ = timed(lambda: fig_pc.write_html(os.path.join(out, "pc.html")))
    t_oh, fig_oh = timed(lambda: plot_optimization_history(study))
    t_oh_html, _ = timed(lambda: fig_oh.write_html(os.path.join(out, "oh.html")))
    size = sum(os.path.getsize(os.path.join(out, f)) for f in os.listdir(out))
    print(f"Optuna {optuna.__version__}: plot_parallel_coordinate {t_pc:.2f} s + write_html {t_pc_html:.2f} s; "
          f"plot_optimization_history {t_oh:.2f} s + write_html {t_oh_html:.2f} s "
          f"(total {t_pc + t_pc_html + t_oh + t_oh_html:.2f} s, {size/1e6:.1f} MB of HTML)")
    shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
