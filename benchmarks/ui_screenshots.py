"""Screenshots of the real Dagster web UI for the README, taken with headless Chromium.

    .venv/bin/python benchmarks/ui_screenshots.py [--home DAGSTER_HOME] [--out docs/screenshots]

Without --home it materializes the demo (examples/inventory) on a fresh temporary DAGSTER_HOME
first (about a minute); with --home (e.g. ./dagster_home after `make demo`) it uses that one's runs.
Then it serves the UI (`dagster-webserver -w workspace.yaml` on a free loopback port), opens each
page in headless Chromium (Debian's chromium and chromium-driver: `make browser-tools`), waits for
what the page must show, and writes one PNG per page. The same machinery as tests/test_ui.py
(tests/webui.py). Prints each file with its size and the seconds the whole thing took.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from webui import browser, chromium, materialize_demo, metadata_row, serve, tidy, wait_for_text  # noqa: E402

# name -> (path and query, texts the page must show, metadata row to scroll to, window width, height)
PAGES = {
    "validation_report-functions.png": (
        "/assets/validation_report?view=partitions&partition={module}",
        ("functions", "iter_skus", "verified", "restock_plan"), "functions", 1600, 1350,
    ),
    "type_map-signatures.png": (
        "/assets/type_map?view=partitions&partition={module}",
        ("signatures", "python_type", "rust_type", "provenance"), "signatures", 2100, 1000,
    ),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=None, help="an existing DAGSTER_HOME with the demo's runs")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--module", default="inventory.stock", help="the partition to show")
    args = parser.parse_args()
    found = chromium()
    if isinstance(found, str):
        print(f"ui_screenshots: {found}", file=sys.stderr)
        return 2
    started = time.monotonic()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="portalis-ui-") as tmp:
        home = args.home
        if home is None:
            home = Path(tmp) / "dagster_home"
            materialize_demo(home, Path(tmp) / "repo", broken=False)
            print(f"materialized the demo in {time.monotonic() - started:.1f} s")
        with serve(home.resolve()) as port:
            for name, (page, texts, row, width, height) in PAGES.items():
                with browser(width, height) as driver:
                    driver.get(f"http://127.0.0.1:{port}{page.format(module=args.module)}")
                    wait_for_text(driver, *texts)
                    tidy(driver)
                    element = metadata_row(driver, row)
                    driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", element)
                    time.sleep(1.0)  # let the scroll and the fonts settle
                    target = args.out / name
                    driver.save_screenshot(str(target))
                    print(f"{target.relative_to(REPO) if target.is_relative_to(REPO) else target}: "
                          f"{target.stat().st_size / 1024:.0f} KiB")
    print(f"done in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
