"""micrograd-tui on a hub (issue 33): a Jupyter server with jupyter-server-proxy, under a user's path prefix as
JupyterHub gives it, opens the app through the entry point this package installs; in a real browser.

Skipped, with the reason, where Chromium, Playwright or jupyter-server-proxy is missing; .ci/run has them all.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from test_serve import CHROMIUM, FLAGS, Tab, free_port

pytest.importorskip("jupyter_server_proxy", reason="jupyter-server-proxy is not installed (pip install '.[test]')")
PREFIX = "/user/ada/"  # where JupyterHub serves a user's server


def test_the_launcher_entry_is_installed_and_starts_the_solo_app():
    from importlib.metadata import entry_points

    [entry] = [e for e in entry_points(group="jupyter_serverproxy_servers") if e.name == "micrograd-tui"]
    spec = entry.load()()
    assert spec["command"][-4:] == ["serve", "--solo", "--port", "{port}"]
    assert Path(spec["launcher_entry"]["icon_path"]).read_text().startswith("<svg")


@pytest.fixture
def jupyter(tmp_path):
    port = free_port()
    home = tmp_path / "home"
    home.mkdir()
    env = dict(os.environ, MICROGRAD_TUI_HOME=str(home / "micrograd-tui"), JUPYTER_RUNTIME_DIR=str(home / "rt"),
               JUPYTER_CONFIG_DIR=str(home / "cfg"), JUPYTER_DATA_DIR=str(home / "data"))
    proc = subprocess.Popen([sys.executable, "-m", "jupyter_server", "--port", str(port), "--no-browser",
                             "--allow-root", "--IdentityProvider.token=", "--ServerApp.password=",
                             f"--ServerApp.base_url={PREFIX}", "--ServerApp.root_dir", str(home)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    end = time.monotonic() + 60
    while time.monotonic() < end:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{PREFIX}api", timeout=2)
            break
        except OSError:
            time.sleep(0.3)
    yield port, home / "micrograd-tui"
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.mark.slow  # a Jupyter server and a browser: ~20 s
async def test_through_jupyter_server_proxy_the_app_opens_under_the_users_path_with_their_own_home(jupyter):
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium); .ci/run installs it")
    playwright = pytest.importorskip("playwright.async_api", reason="Playwright is not installed")
    port, home = jupyter
    async with playwright.async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = await browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
        tab = Tab(await context.new_page())
        response = await tab.page.goto(f"http://127.0.0.1:{port}{PREFIX}micrograd-tui/")
        assert response is not None and response.status == 200
        assert await tab.shows("24.7041", timeout=60), tab.text()[-1500:]  # lesson 0, drawn by the engine
        for label in ("1", "2", "3", "3.1"):
            mark = len(tab.seen)
            await tab.press("n")
            assert await tab.shows(f"lesson {label} ", since=mark), tab.text(mark)[-800:]
        assert await tab.shows("not written yet", timeout=30), tab.text()[-1500:]
        # a download goes under the user's path too (textual.js opens it at the site's root)
        async with tab.page.expect_download(timeout=30_000) as got:
            await tab.press("D")
        download = await got.value
        assert download.suggested_filename.endswith(".zip")
        await browser.close()
    progress = json.loads((home / "progress.json").read_text())  # the user's own home, no class folders
    assert progress["current"] == "build-value" and not (home / "sessions").exists()
