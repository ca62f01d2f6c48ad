"""How many bytes a first visit transfers, measured in real Chromium against the app as it is
served in production: gunicorn with WhiteNoise serving collected (hashed, precompressed)
static files, DEBUG off, a fresh SQLite database with the demo data.

Run it on its own to print the figures (after `npm run build`):

    .venv/bin/python -m tests.browser.page_weight

`tests/browser/test_page_weight.py` runs the same measurement and checks the budgets."""

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
PORTS = range(8700, 8800)
PAGES = {"home": "/", "results": "/search/?near=Paisley"}
# Budgets for a first visit, in bytes transferred (headers and bodies of every response).
BUDGETS = {"home": 30 * 1024, "results": 50 * 1024}
SETTINGS = """from recovery_directory.settings import *  # noqa: F403

STATIC_ROOT = {static_root!r}
"""


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("No free port in 8700-8799")


def _environment(folder: Path) -> dict[str, str]:
    (folder / "weight_settings.py").write_text(SETTINGS.format(static_root=str(folder / "static")))
    environment = {
        key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "DEBUG")
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="weight_settings",
        PYTHONPATH=os.pathsep.join([str(folder), str(ROOT)]),
        DEMO_MODE="true",
        HTTPS="false",
        DATA_DIR=str(folder / "data"),
    )
    environment.pop("CACHE_DIR", None)
    return environment


def _manage(environment: dict[str, str], *arguments: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=environment,
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=300,
    )


def _wait_until_up(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn stopped while starting")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError as error:
            raise RuntimeError(f"{url} answered {error.code}") from None
        except OSError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"gunicorn did not answer {url} within {seconds} s")


@contextlib.contextmanager
def served_app() -> Iterator[str]:
    """The app under gunicorn on a free port in 8700-8799; yields its base URL."""
    if not (ROOT / "static" / "dist" / "app.css").exists():
        raise RuntimeError("static/dist is not built: run `npm run build` first")
    with tempfile.TemporaryDirectory(prefix="rd-weight-") as temporary:
        folder = Path(temporary)
        environment = _environment(folder)
        _manage(environment, "collectstatic", "--noinput", "--ignore", "src", "-v", "0")
        _manage(environment, "migrate", "--noinput")
        _manage(environment, "seed_demo")
        port = free_port()
        log = (folder / "gunicorn.log").open("w")
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--config",
                "python:recovery_directory.gunicorn",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "recovery_directory.wsgi",
            ],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            try:
                _wait_until_up(base + "/", server)
            except RuntimeError as error:
                log.flush()
                raise RuntimeError(f"{error}\n{(folder / 'gunicorn.log').read_text()}") from None
            yield base
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)
            log.close()


def first_visit_bytes(browser, url: str) -> tuple[int, list[tuple[str, int]]]:
    """Bytes transferred (response headers and encoded bodies) loading `url` in a fresh
    browser context (empty cache), and each response's share."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        responses = []
        page.on("response", lambda response: responses.append(response))
        page.goto(url, wait_until="load")
        page.wait_for_load_state("networkidle")
        shares = []
        for response in responses:
            response.finished()
            sizes = response.request.sizes()
            shares.append((response.url, sizes["responseHeadersSize"] + sizes["responseBodySize"]))
        return sum(size for _url, size in shares), shares
    finally:
        context.close()


def measure(browser) -> dict[str, tuple[int, list[tuple[str, int]]]]:
    with served_app() as base:
        return {name: first_visit_bytes(browser, base + path) for name, path in PAGES.items()}


def report(figures: dict[str, tuple[int, list[tuple[str, int]]]]) -> str:
    lines = []
    for name, (total, shares) in figures.items():
        budget = BUDGETS[name]
        lines.append(f"{name}: {total / 1024:.1f} KB transferred (budget {budget / 1024:.0f} KB)")
        lines.extend(f"    {size / 1024:6.1f} KB  {url}" for url, size in shares)
    return "\n".join(lines)


def main() -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox"], headless=True
        )
        try:
            print(report(measure(browser)))
        finally:
            browser.close()


if __name__ == "__main__":
    main()
