"""Serving the Dagster web UI on a DAGSTER_HOME and looking at it with headless Chromium: what
tests/test_ui.py and benchmarks/ui_screenshots.py share.

- `materialize_demo(home, repo)`: the demo's runs (examples/inventory, plus one module that does not
  parse) on a fresh DAGSTER_HOME with the committed dagster.yaml;
- `serve(home)`: `dagster-webserver -w workspace.yaml` on a free loopback port, waited for (bounded),
  always stopped;
- `chromium()`: Debian's chromium and chromedriver (`make browser-tools`), or why they are missing;
  `browser()`: a headless Chromium driven through Selenium, always quit.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT_S = 90.0
# Flags for a browser that runs as root in a container and must not reach anything but the UI.
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def graphql(port: int, query: str) -> dict:
    """One GraphQL query against the webserver; its `data`."""
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())["data"]


def materialize_demo(home: Path, repo: Path, broken: bool = True) -> None:
    """Translate examples/inventory (copied to `repo`) through Dagster on the fresh DAGSTER_HOME
    `home`; with `broken`, a second run adds `inventory.broken`, a module that does not parse."""
    import dagster as dg

    from portalis_assets.runner import run_translation

    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    shutil.copytree(ROOT / "examples" / "inventory", repo / "inventory")
    old = os.environ.get("DAGSTER_HOME")
    os.environ["DAGSTER_HOME"] = str(home)
    instance = dg.DagsterInstance.from_config(str(home))
    try:
        kwargs: dict[str, Any] = dict(instance=instance, database=home / "portalis.duckdb", work_dir=home / "portalis",
                                      crate_dir=home / "portalis" / "crate")
        outcome = run_translation(repo, **kwargs)
        if not outcome.success:
            raise RuntimeError(f"the demo run failed: {outcome.failed}")
        if broken:
            (repo / "inventory" / "broken.py").write_text("def f(:\n    pass\n")
            run_translation(repo, **kwargs)
    finally:
        instance.dispose()
        if old is None:
            os.environ.pop("DAGSTER_HOME", None)
        else:
            os.environ["DAGSTER_HOME"] = old


@contextmanager
def serve(home: Path, timeout_s: float = START_TIMEOUT_S) -> Iterator[int]:
    """The web UI on `home` (workspace.yaml of this checkout) on a free loopback port; yields the
    port once GraphQL answers. The server's process group is stopped on the way out."""
    port = free_port()
    webserver = Path(sys.executable).parent / "dagster-webserver"
    proc = subprocess.Popen(
        [str(webserver), "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
        cwd=ROOT, env={**os.environ, "DAGSTER_HOME": str(home)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                graphql(port, "{ version }")
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"dagster-webserver did not answer on port {port} within {timeout_s:.0f} s "
                                       f"(exit status {proc.poll()})") from None
                time.sleep(0.5)
        yield port
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def chromium() -> tuple[str, str] | str:
    """(chromium binary, chromedriver), or why they cannot be used."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[dev]')"
    binary = next((p for p in (shutil.which(n) for n in ("chromium", "chromium-browser")) if p), None)
    driver = shutil.which("chromedriver") or next(
        (p for p in ("/usr/lib/chromium/chromedriver", "/usr/bin/chromedriver") if Path(p).exists()), None)
    if binary is None or driver is None:
        return "chromium and chromium-driver are not installed (make browser-tools, or apt-get install chromium chromium-driver)"
    return binary, driver


@contextmanager
def browser(width: int = 1400, height: int = 1000) -> Iterator[Any]:
    """A headless Chromium (Selenium WebDriver) with the flags above; quit on the way out."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    found = chromium()
    if isinstance(found, str):
        raise RuntimeError(found)
    binary, driver_path = found
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in (*CHROMIUM_FLAGS, f"--window-size={width},{height}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    try:
        driver.set_page_load_timeout(60)
        yield driver
    finally:
        driver.quit()


def wait_for_text(driver: Any, *texts: str, timeout_s: float = 45.0) -> str:
    """Wait until the page's visible text holds every one of `texts`; returns that text. Raises
    TimeoutError with what the page showed."""
    from selenium.webdriver.common.by import By

    deadline = time.monotonic() + timeout_s
    body = ""
    while time.monotonic() < deadline:
        try:
            body = driver.find_element(By.TAG_NAME, "body").text
        except Exception:  # noqa: BLE001 - the page is being replaced; look again
            body = ""
        if all(t in body for t in texts):
            return body
        time.sleep(0.5)
    missing = [t for t in texts if t not in body]
    raise TimeoutError(f"the page never showed {missing}; it showed: {body[:2000]!r}")


def tidy(driver: Any) -> None:
    """Dismiss Dagster's first-visit dialog ("Join the Dagster community": Skip) and hide the
    navigation bar, so a screenshot shows the page itself. Each is optional."""
    from selenium.webdriver.common.by import By

    for label in ("Skip", "Hide navigation"):
        for element in driver.find_elements(By.XPATH, f"//button[normalize-space()='{label}'] | //*[normalize-space(text())='{label}']"):
            try:
                element.click()
                time.sleep(0.5)
                break
            except Exception:  # noqa: BLE001 - not clickable (hidden, covered): leave it
                continue


def metadata_row(driver: Any, label: str) -> Any:
    """The row of a partition's metadata table whose first cell is `label` (e.g. `functions`)."""
    from selenium.webdriver.common.by import By

    return driver.find_element(By.XPATH, f"//tr[td[1][normalize-space()='{label}']]")
