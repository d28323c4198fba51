"""micrograd-tui as a JupyterHub / JupyterLab launcher tile, through jupyter-server-proxy.

``pip install 'micrograd-tui[hub]'`` in a hub's single-user image registers :func:`setup` under the
``jupyter_serverproxy_servers`` entry point: the launcher gets a micrograd-tui tile, and opening it starts
``micrograd-tui serve --solo`` on a port the proxy picks, as that user, with their own home (progress and
workspace in their user data folder), behind the hub's login. The proxy serves it under
``/user/NAME/micrograd-tui/``; in solo mode every address on the page is relative to that.
"""

from __future__ import annotations

import sys
from pathlib import Path

ICON = Path(__file__).parent / "icon.svg"


def setup() -> dict:
    """jupyter-server-proxy's description of the process to start and the tile to show."""
    return {
        "command": [sys.executable, "-m", "micrograd_tui.tui.cli", "serve", "--solo", "--port", "{port}"],
        "timeout": 60,  # the first start imports Textual and the lessons: seconds on a busy hub
        "new_browser_tab": True,
        "launcher_entry": {"title": "micrograd-tui", "icon_path": str(ICON)},
    }
