"""``playground serve`` used the way a person uses it: in a real (headless) Chromium.

Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them) and Selenium;
without them the test is skipped with the reason. The page draws the terminal on a canvas, so
the test reads what is on screen from the page's own xterm.js buffer: a script injected before
the page loads records the terminal object textual-serve's page creates.

Set ``PLAYGROUND_UPDATE_SCREENSHOTS=1`` to write the README's ``screenshots/browser.png``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
# Read at import: the autouse isolation fixture removes PLAYGROUND_* variables.
UPDATE_SCREENSHOT = os.environ.get("PLAYGROUND_UPDATE_SCREENSHOTS") == "1"
PROMPT = "Explain in two sentences why the sky is blue."
LONG_PROMPT = " ".join(f"word{i}" for i in range(400))  # echoed back for a few seconds

# Runs before textual-serve's script: the first object that gets a ``terminal`` property is
# the page's terminal controller; keep its xterm.js Terminal where the test can read it.
RECORD_TERMINAL = """
window.__terminals = [];
Object.defineProperty(Object.prototype, "terminal", {
  configurable: true,
  get() { return undefined; },
  set(value) {
    Object.defineProperty(this, "terminal",
      {value, writable: true, configurable: true, enumerable: true});
    window.__terminals.push(value);
  },
});
"""
SCREEN_TEXT = """
const term = window.__terminals[0];
if (!term) { return null; }
const buffer = term.buffer.active;
const rows = [];
for (let y = 0; y < term.rows; y++) {
  const line = buffer.getLine(buffer.viewportY + y);
  rows.push(line ? line.translateToString(true) : "");
}
return rows.join("\\n");
"""


def _browser_paths() -> tuple[str, str]:
    """Chromium and chromedriver, or a skip naming what is missing."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        pytest.skip("selenium is not installed (pip install -e '.[test]')")
    browser = next(
        (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p),
        None,
    )
    driver = shutil.which("chromedriver")
    missing = [name for name, path in (("chromium", browser), ("chromedriver", driver)) if not path]
    if missing:
        pytest.skip(
            f"{' and '.join(missing)} not found on PATH "
            "(apt-get install -y chromium chromium-driver)"
        )
    assert browser and driver
    return browser, driver


def _click_text(driver: Any, screen: str, row_marker: str, word: str) -> None:
    """Click the terminal cell of ``word`` on the first screen row containing ``row_marker``."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    rows = screen.splitlines()
    y = next(i for i, row in enumerate(rows) if row_marker in row and word in row)
    x = rows[y].index(word) + 1
    cols, lines = driver.execute_script("const t = window.__terminals[0]; return [t.cols, t.rows]")
    canvas = driver.find_element(By.CSS_SELECTOR, ".xterm-screen")
    width, height = canvas.size["width"], canvas.size["height"]
    dx = (x + 0.5) * width / cols - width / 2  # offsets are from the element's centre
    dy = (y + 0.5) * height / lines - height / 2
    ActionChains(driver).move_to_element_with_offset(canvas, int(dx), int(dy)).click().perform()


def _wait_for(what: str, predicate: Callable[[], object], timeout: float) -> object:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.2)


def test_demo_in_chromium_then_tab_close_ends_the_app(
    served: tuple[subprocess.Popen[str], str],
    process_tree: Callable[[int], set[int]],
    isolated_environment: Path,
) -> None:
    browser, driver_path = _browser_paths()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    process, url = served
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                 "--window-size=1400,860", "--no-first-run"):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    try:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_TERMINAL})
        driver.get(url + "/")

        def screen() -> str:
            return driver.execute_script(SCREEN_TEXT) or ""

        _wait_for("the three demo panes", lambda: "demo-fallback" in screen(), 40)
        app_processes = process_tree(process.pid)
        assert app_processes, "no app process was started for the tab"

        terminal = driver.find_element(By.CSS_SELECTOR, ".xterm-helper-textarea")
        ActionChains(driver).send_keys_to_element(terminal, PROMPT).perform()
        _wait_for("the prompt in the input", lambda: "why the sky is blue" in screen(), 15)
        ActionChains(driver).send_keys_to_element(terminal, "\ue007").perform()  # Enter

        text = str(_wait_for(
            "all three panes to finish",
            lambda: (s := screen()).count("done") >= 3 and "hop 3" in s and s,
            60,
        ))  # fmt: skip
        assert "done via hop 3" in text
        # The thinking model's answer (the echo panes repeat the prompt word for word).
        assert "Thinking is off, so I answered without thinking." in text
        assert 'You said: "Explain in two sentences' in text

        time.sleep(0.5)  # the last frame's paint
        shot = (
            REPO / "screenshots" / "browser.png"
            if UPDATE_SCREENSHOT
            else isolated_environment / "browser.png"
        )
        assert driver.get_screenshot_as_file(str(shot))

        # The fallback timeline (ctrl+t) and the thinking slider (clicked with the mouse).
        ActionChains(driver).key_down(Keys.CONTROL).send_keys_to_element(terminal, "t").key_up(
            Keys.CONTROL
        ).perform()
        _wait_for("the fallback timeline", lambda: "Fallback timeline" in screen(), 10)
        # The log lays out its rows once it has a size: a frame after the panel appears.
        _wait_for("the timeline's rows", lambda: "answered by" in screen(), 10)
        for level in ("medium", "off"):
            _click_text(driver, screen(), "─  minimal  ─", level)
            _wait_for(f"thinking {level}", lambda lv=level: f"thinking {lv}" in screen(), 10)

        # A long answer, and the tab closed while it streams: the autosave must keep it.
        ActionChains(driver).send_keys_to_element(terminal, LONG_PROMPT + "\ue007").perform()
        _wait_for("the long answer to stream", lambda: "streaming" in screen(), 20)
        time.sleep(0.3)

        # Close the app's tab the way a person does, keeping the browser open.
        app_tab = driver.current_window_handle
        driver.switch_to.new_window("tab")
        driver.switch_to.window(app_tab)
        driver.close()
        _wait_for("the tab's app processes to end", lambda: not process_tree(process.pid), 20)
        assert process.poll() is None, "the server must keep running for other tabs"
    finally:
        driver.quit()

    sessions = list(isolated_environment.rglob("sessions/*.jsonl"))
    assert len(sessions) == 1, f"expected one autosaved session, found {sessions}"
    records = [json.loads(line) for line in sessions[0].read_text().splitlines()]
    assert any(PROMPT in json.dumps(r) for r in records), "the prompt is not in the autosave"
    ends = [r for r in records if r["t"] == "turn_end"]
    assert [r["status"] for r in ends[:3]] == ["done"] * 3
    assert len(ends) == 6, "the turn cut short by the closed tab was not saved"
    echo = next(r["pane"] for r in records if r["t"] == "pane" and r["spec"] == "sim/echo")
    assert [r["status"] for r in ends[3:] if r["pane"] == echo] == ["cancelled"]
    second_turn = records[records.index(ends[2]) + 1 :]
    saved = "".join(
        r["event"]["text"]
        for r in second_turn
        if r["t"] == "event" and r["pane"] == echo and r["event"]["type"] == "text"
    )
    # sim/echo streams the prompt back: what it sent before the tab closed is on disk.
    assert LONG_PROMPT.startswith(saved) and len(saved.split()) >= 5, saved

    process.send_signal(signal.SIGINT)
    output = process.communicate(timeout=15)[0]
    assert process.returncode == 0, output
    assert "Traceback" not in output
