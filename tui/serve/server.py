"""``micrograd-tui serve``: the app in a browser, for a class, on textual-serve.

Each browser gets a session: a random, unguessable id kept in a cookie, mapped
(through its SHA-256, so no browser-chosen text ever names a folder) to a folder
of its own under the server's data directory, which holds that learner's
progress and workspace. A reload resumes where the learner was. Every
connection runs its own app process, which is given only its own folder; the
server caps how many run at once and tells the next browser so instead of
starting one it cannot run. An app whose browser has gone exits within seconds.

A session starts only once its browser has given the class code (printed at
start-up, or ``--class-code``) and a name no one else in the class has; wrong
codes are refused, and an address that keeps guessing waits a minute. The
teacher's pages, at a secret address printed at start-up and kept across
restarts, list every learner, show one learner's files, whole last checks and
live screen (a read-only copy of what their app sends), pace the class, and
rename, reset or remove a learner (``classroom.py``, ``pages.py``).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import re
import secrets
import shlex
import sys
from pathlib import Path

from micrograd_tui.lessons.userdata import ENV_HOME
from micrograd_tui.lessons.workshop.sandbox import ENV_BOX
from micrograd_tui.lessons.kinds.train.slots import ENV_SLOTS
from micrograd_tui.lessons.workshop.workspace import ENV_NO_CODE, ENV_SERVED, ENV_WORKSPACE

from ..oneline import OneLineParser
from . import classroom, pages

COOKIE = "micrograd_tui_session"
SESSION_ID = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)
log = logging.getLogger("micrograd-tui serve")
ENV_CLASS_CODE = "MICROGRAD_TUI_CLASS_CODE"  # the class code, kept off the command line


def session_dir(root: Path, session: str) -> Path:
    """A session's own folder: named by a hash of its id, never by anything the browser sent."""
    if not SESSION_ID.fullmatch(session):
        raise ValueError("not a session id")
    return root / "sessions" / hashlib.sha256(session.encode()).hexdigest()[:40]


def new_session() -> str:
    return secrets.token_urlsafe(32)


def is_loopback(host: str) -> bool:
    return host in ("localhost", "::1") or host.startswith("127.")


def build_server(host: str, port: int, public_url: str | None, data: Path, max_sessions: int, run_code: bool,
                 class_code: str, teacher: str, boxed: bool = False, training_slots: int = 2, solo: bool = False):
    """The class's server; ``solo``: one learner's own app, their own home (``data``), no class code, no teacher's
    pages, and every address on its pages relative, so it runs behind a path-prefixed proxy (a hub)."""
    from aiohttp import web
    from textual_serve.app_service import AppService
    from textual_serve.server import Server

    # textual-serve starts each app through /bin/sh; exec makes the shell become the app, so the process the
    # server stops is the app itself (ending the shell left the app to end 5-14 s later, re-parented to pid 1)
    command = f"exec {shlex.quote(sys.executable)} -m micrograd_tui.tui.cli"

    class SessionApp(AppService):
        """One learner's app process, with that learner's folder and nothing else."""

        def __init__(self, *args, folder: Path, **kwargs):
            super().__init__(*args, **kwargs)
            self.folder = folder
            self.size = (80, 24)  # the learner's terminal, as their page last said
            self.watchers: set = set()  # the teacher's pages showing this screen, read-only

        async def on_data(self, payload: bytes) -> None:
            await super().on_data(payload)
            for watcher in list(self.watchers):  # what the learner's page is sent, the teacher's pages are too
                try:
                    await watcher.send_bytes(payload)
                except Exception:
                    self.watchers.discard(watcher)

        async def set_terminal_size(self, width: int, height: int) -> None:
            self.size = (width, height)
            await super().set_terminal_size(width, height)

        def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
            env = super()._build_environment(width, height)
            env["TEXTUAL_DRIVER"] = "micrograd_tui.tui.web_driver:ServedDriver"  # exits when its input ends
            env[ENV_HOME] = str(self.folder)
            env[ENV_WORKSPACE] = str(self.folder / "workspace")
            env[ENV_SERVED] = "1"
            if not solo:  # a class: the teacher's pacing, followed by every app, and so many demos train at once
                env[classroom.ENV_PACE] = str(data / classroom.PACE_FILE)
                env[ENV_SLOTS] = f"{data / 'training-slots'}:{training_slots}"
            code = classroom.resume_code(self.folder)
            if code:
                env[classroom.ENV_RESUME] = code  # the app shows it: the way back from another browser
            if not run_code:
                env[ENV_NO_CODE] = "1"
            elif boxed:
                env[ENV_BOX] = "1"
            for name in ("VISUAL", "EDITOR"):  # no terminal editor in a browser
                env.pop(name, None)
            return env

    class ClassServer(Server):
        def __init__(self) -> None:
            super().__init__(command, host=host, port=port, title="micrograd-tui", public_url=public_url)
            self.running = 0
            self.attempts = classroom.Attempts()
            self.last_seen: dict[str, float] = {}  # session folder -> when its browser last sent a key
            self.sessions: set = set()  # (app service, websocket) of every session running now
            self.stopping = False
            self.presence: dict[str, str] = {}  # session folder -> connected, tab closed, the app ended (and how)
            self.touched: dict[str, float] = {}  # session folder -> when its "seen" file was last touched

        async def _make_app(self) -> web.Application:
            app = await super()._make_app()
            if solo:
                return app
            app.add_routes([web.post("/join", self.handle_join),
                            web.get(f"/teacher/{teacher}", self.handle_teacher),
                            web.get(f"/teacher/{teacher}/class.csv", self.handle_class_csv),
                            web.get(f"/teacher/{teacher}/projector", self.handle_projector),
                            web.post(f"/teacher/{teacher}/pace", self.handle_pace),
                            web.get(f"/teacher/{teacher}/pace", self.handle_pace_page),
                            web.get(f"/teacher/{teacher}/learner/{{folder}}.zip", self.handle_learner_zip),
                            web.get(f"/teacher/{teacher}/learner/{{folder}}/screen", self.handle_screen),
                            web.post(f"/teacher/{teacher}/learner/{{folder}}/manage", self.handle_manage),
                            web.get(f"/teacher/{teacher}/learner/{{folder}}", self.handle_learner)])
            return app

        async def on_startup(self, app: web.Application) -> None:
            if solo:
                self.console.print(f"micrograd-tui serve --solo: one learner's app on port {port}, their data in {data}",
                                   soft_wrap=True, highlight=False, markup=False)
                return
            reach = ("only this computer can reach it" if is_loopback(host) else
                     f"anyone who can reach this machine on port {port} and has the class code can join")
            say = lambda text: self.console.print(text, soft_wrap=True, highlight=False, markup=False)  # noqa: E731
            say(f"micrograd-tui serve: open {self.public_url} ({reach}); "
                f"at most {max_sessions} sessions at once; learners' data in {data}")
            if not run_code:
                say("learners' code is not run here (--no-code)")
            elif boxed:
                say("learners' code runs in a box (bubblewrap): no network, only its own workspace, as nobody")
            else:
                say("WARNING: no box for learners' code here (Linux with bubblewrap: apt-get install bubblewrap): "
                    "it runs as this server's user and can read other sessions' folders; --no-code keeps it from running")
            say(f"class code: {class_code}")
            say(f"teacher's page (keep it to yourself): {self.public_url}/teacher/{teacher}")
            say(f"for the projector (the code and how to join): {self.public_url}/teacher/{teacher}/projector")
            say("Press Ctrl+C to stop.")

        async def on_shutdown(self, app: web.Application) -> None:
            """The server is stopping (SIGTERM, ctrl+c): every app is asked to quit (each saves its learner's
            progress as it goes) and every page is closed now, not when aiohttp's shutdown times out."""
            self.stopping = True
            sessions = list(self.sessions)
            # a server under load gives its apps longer to save and quit than a closed tab's app gets
            stops = [asyncio.ensure_future(_stop(service, patience=8)) for service, _ in sessions]
            # the pages hear it at once ("Session ended"); their apps save and quit meanwhile, or are ended
            await asyncio.gather(*(websocket.close() for _, websocket in sessions if not websocket.closed),
                                 return_exceptions=True)
            await asyncio.gather(*stops, return_exceptions=True)

        def _session(self, request: web.Request) -> str | None:
            value = request.cookies.get(COOKIE, "")
            return value if SESSION_ID.fullmatch(value) else None

        def _joined(self, request: web.Request) -> Path | None:
            """The session folder of a browser that has joined the class with its code as it is now, or None."""
            if solo:
                return data  # one learner, whose own app and home this is (a hub has let them in)
            session = self._session(request)
            if session is None:
                return None
            folder = session_dir(data, session)
            return folder if classroom.learner(folder) is not None and classroom.knows_code(folder, class_code) else None

        def _running(self, folder: Path) -> list:
            """(app service, websocket) of each session running on ``folder`` now (one, but for a takeover)."""
            return [s for s in self.sessions if s[0].folder == folder]

        async def handle_join(self, request: web.Request) -> web.StreamResponse:
            who = request.remote or "?"
            if self.attempts.blocked(who):
                return web.Response(status=429, content_type="text/html", text=pages.join_page(
                    "Too many wrong codes from here: wait a minute, then try again."))
            form = await request.post()
            if not classroom.same_code(str(form.get("code", "")), class_code):
                self.attempts.failed(who)
                return web.Response(status=403, content_type="text/html", text=pages.join_page(
                    "That is not this class's code. Check it with your teacher."))
            typed_resume = str(form.get("resume", "")).strip()
            if typed_resume:  # back on a new browser: the session the code belongs to, with all its work
                found = classroom.resumed(data, typed_resume)
                if found is None:
                    self.attempts.failed(who)
                    return web.Response(status=403, content_type="text/html", text=pages.join_page(
                        "That resume code is not one of this class's. Your app shows yours (press ? there)."))
                session = found[0]
                folder = session_dir(data, session)
                classroom.join(folder, found[1], code=class_code)  # they typed the code as it is now
                response = web.HTTPSeeOther("/")
                response.set_cookie(COOKIE, session, max_age=180 * 24 * 3600, httponly=True, samesite="Strict",
                                    path="/")
                return response
            session = self._session(request) or new_session()
            folder = session_dir(data, session)
            before = classroom.learner(folder)
            name = classroom.clean_name(str(form.get("name", ""))) or (before or {}).get("name")
            if name is None:
                return web.Response(status=400, content_type="text/html",
                                    text=pages.join_page("Type your name, so your teacher knows who you are."))
            if classroom.name_taken(data, name, but=folder):
                return web.Response(status=409, content_type="text/html", text=pages.join_page(
                    f"Someone in this class is already called {name}: add your surname's first letter, "
                    "or a number."))
            classroom.join(folder, name, session, code=class_code)
            response = web.HTTPSeeOther("/")
            response.set_cookie(COOKIE, session, max_age=180 * 24 * 3600, httponly=True, samesite="Strict", path="/")
            return response

        async def handle_learner(self, request: web.Request) -> web.StreamResponse:
            name = request.match_info["folder"]
            running = [service for service, _ in self._running(data / "sessions" / name)]
            screen = None
            if running:  # their screen, live: the same terminal the learner's page runs, on a read-only socket
                base = str(self.public_url).rstrip("/")
                screen = {"url": ("wss:" if base.startswith("https") else "ws:") + base.split(":", 1)[1]
                          + f"/teacher/{teacher}/learner/{name}/screen",
                          "static": base + "/static/", "width": running[0].size[0], "height": running[0].size[1]}
            page = pages.learner_page(data, name, f"/teacher/{teacher}", self.presence, screen,
                                      SAID.get(request.query.get("did", ""), ""))
            if page is None:
                raise web.HTTPNotFound()
            return web.Response(content_type="text/html", text=page,
                                headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})

        async def handle_screen(self, request: web.Request) -> web.WebSocketResponse:
            """A learner's screen for the teacher, live: what their app sends their page, and nothing back."""
            websocket = web.WebSocketResponse(heartbeat=15)
            await websocket.prepare(request)
            running = [service for service, _ in self._running(data / "sessions" / request.match_info["folder"])]
            if not running:
                await websocket.send_bytes(b"\r\n  not connected now: their screen shows here while their page is "
                                           b"open (reload this page then).\r\n")
                await websocket.close()
                return websocket
            service = running[0]
            service.watchers.add(websocket)
            try:
                await service.send_meta({"type": "repaint"})  # the whole screen now, then each change as it comes
                async for _ in websocket:  # keys and sizes from the teacher's page go nowhere: read-only
                    pass
            finally:
                service.watchers.discard(websocket)
            return websocket

        async def handle_manage(self, request: web.Request) -> web.StreamResponse:
            """Rename, reset or remove a learner. A reset or a removal first ends their app (which would write its
            state back), and their page says why."""
            name = request.match_info["folder"]
            folder = data / "sessions" / name
            if not classroom.LEARNER_FOLDER.fullmatch(name) or classroom.learner(folder) is None:
                raise web.HTTPNotFound()
            form = await request.post()
            what = str(form.get("what", ""))
            back = f"/teacher/{teacher}/learner/{name}"
            if what == "rename":
                new = classroom.clean_name(str(form.get("name", "")))
                if new is None:
                    raise web.HTTPSeeOther(back + "?did=noname")
                if classroom.name_taken(data, new, but=folder):
                    raise web.HTTPSeeOther(back + "?did=taken")
                classroom.join(folder, new)
                raise web.HTTPSeeOther(back + "?did=renamed")
            if what not in ("reset", "remove") or form.get("sure") != "yes":
                raise web.HTTPBadRequest(text="nothing to do: tick 'I am sure' for a reset or a removal")
            for service, websocket in self._running(folder):
                if not websocket.closed:
                    await websocket.send_bytes(RESET if what == "reset" else REMOVED)
                await _stop(service)
                if not websocket.closed:
                    await websocket.close()
            if what == "reset":
                classroom.reset(folder)
                raise web.HTTPSeeOther(back + "?did=reset")
            classroom.remove(folder)
            self.presence.pop(name, None)
            raise web.HTTPSeeOther(f"/teacher/{teacher}")

        async def handle_learner_zip(self, request: web.Request) -> web.StreamResponse:
            folder = request.match_info["folder"]
            zipped = classroom.learner_zip(data, folder)
            if zipped is None:
                raise web.HTTPNotFound()
            return web.Response(body=zipped, content_type="application/zip", headers={
                "Content-Disposition": f'attachment; filename="workspace-{folder[:8]}.zip"', "Cache-Control": "no-store"})

        async def handle_pace(self, request: web.Request) -> web.StreamResponse:
            """The teacher's pacing: everyone to a lesson, hold at one, release, a message to all."""
            from micrograd_tui.lessons.registry import COURSE

            form = await request.post()
            what, slug = str(form.get("what", "")), str(form.get("lesson", ""))
            if slug and slug not in {lesson.slug for lesson in COURSE.lessons}:
                raise web.HTTPBadRequest(text="no such lesson")
            message = " ".join(str(form.get("message", "")).split())[:200]
            if what == "to" and slug:
                classroom.write_pace(data, to=slug, message=message)
            elif what == "hold" and slug:
                classroom.write_pace(data, hold=slug, message=message)
            elif what == "release":
                classroom.write_pace(data, message=message)
            elif what == "message" and message:
                classroom.write_pace(data, message=message)
            else:
                raise web.HTTPBadRequest(text="nothing to do")
            raise web.HTTPSeeOther(f"/teacher/{teacher}/pace")

        async def handle_pace_page(self, request: web.Request) -> web.StreamResponse:
            page = pages.pace_page(f"/teacher/{teacher}", classroom.read_pace(data / classroom.PACE_FILE))
            return web.Response(content_type="text/html", text=page, headers={"Cache-Control": "no-store"})

        async def handle_projector(self, request: web.Request) -> web.StreamResponse:
            return web.Response(content_type="text/html", text=pages.projector_page(self.public_url, class_code),
                                headers={"Cache-Control": "no-store"})

        async def handle_teacher(self, request: web.Request) -> web.StreamResponse:
            rows = classroom.roster(data, self.last_seen, presence=self.presence)
            home = f"/teacher/{teacher}"
            page = pages.roster_page(rows, f"{home}/class.csv", f"{home}/learner/",
                                     (f"{home}/pace", classroom.read_pace(data / classroom.PACE_FILE)), f"{home}/projector")
            return web.Response(content_type="text/html", text=page,
                                headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})

        async def handle_class_csv(self, request: web.Request) -> web.StreamResponse:
            rows = classroom.roster(data, self.last_seen, presence=self.presence)
            return web.Response(text=classroom.roster_csv(rows), content_type="text/csv", charset="utf-8",
                                headers={"Content-Disposition": 'attachment; filename="class.csv"',
                                         "Cache-Control": "no-store"})

        async def handle_index(self, request: web.Request) -> web.StreamResponse:
            if self._joined(request) is None:
                session = self._session(request)
                changed = (session is not None and classroom.learner(session_dir(data, session)) is not None)
                # a learner whose class code has changed since they joined gives the new one (their work stays)
                return web.Response(content_type="text/html", text=pages.join_page(
                    "The class code has changed: type the new one (your name can stay empty, your work is kept)."
                    if changed else ""))
            if self.running >= max_sessions:
                return web.Response(status=503, content_type="text/html", text=pages.full_page(_full_text(max_sessions).decode().strip()))
            import aiohttp_jinja2

            if solo:  # behind a proxy's path prefix: every address relative to the page (set in the browser)
                context = {"font_size": _int(request.query.get("fontsize"), 16), "app_websocket_url": "",
                           "config": {"static": {"url": "static/"}}, "application": {"name": self.title}}
            else:
                context = await Server.handle_index.__wrapped__(self, request)  # type: ignore[attr-defined]
            response = aiohttp_jinja2.render_template("app_index.html", request, context)
            # The terminal takes the keyboard as soon as it is there: keys typed after joining did nothing
            # until the learner clicked the page.
            assert response.text is not None
            response.text = response.text.replace("</body>", (RELATIVE if solo else "") + FOCUS_TERMINAL + "</body>", 1)
            return response

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            websocket = web.WebSocketResponse(heartbeat=15)
            await websocket.prepare(request)
            if self.running >= max_sessions:
                await websocket.send_bytes(_full_text(max_sessions))
                await websocket.close()
                return websocket
            folder = self._joined(request)
            if folder is None:  # no class code given yet: nothing runs
                await websocket.send_bytes(b"\r\n  micrograd-tui: join the class first (reload this page).\r\n")
                await websocket.close()
                return websocket
            width = _int(request.query.get("width"), 80)
            height = _int(request.query.get("height"), 24)

            # One app per session: a second tab (or browser) with it takes it over, and the first says so;
            # two apps on one folder would each write over the other's progress.
            for old_service, old_websocket in self._running(folder):
                if not old_websocket.closed:
                    await old_websocket.send_bytes(TAKEN_OVER)
                await _stop(old_service)
                if not old_websocket.closed:
                    await old_websocket.close()
            service = SessionApp(command, write_bytes=websocket.send_bytes, write_str=websocket.send_str,
                                 close=websocket.close, download_manager=self.download_manager, debug=self.debug,
                                 folder=folder)
            service.size = (width, height)
            self.running += 1
            self.sessions.add((service, websocket))
            self.presence[folder.name] = "connected"
            try:
                await service.start(width, height)
                await self._process_messages(_Watched(websocket, lambda: self._seen(folder)), service)  # type: ignore[arg-type]
            except asyncio.CancelledError:
                pass
            except Exception as error:  # one broken connection must not take the class down
                log.exception(error)
            finally:
                self.running -= 1
                self.sessions.discard((service, websocket))
                if not any(other.folder == folder for other, _ in self.sessions):  # a second tab may be on
                    self.presence[folder.name] = _ended(service, self.stopping)
                await _stop(service)
                if not websocket.closed:
                    await websocket.close()
                for watcher in list(service.watchers):  # the teacher's copies of this screen end with it
                    await watcher.close()
            return websocket

        def _seen(self, folder: Path) -> None:
            import time

            now = time.time()
            if not solo and classroom.mark_seen(folder, now, self.touched.get(folder.name)):  # idle time survives a restart
                self.touched[folder.name] = now
            self.last_seen[folder.name] = now

    return ClassServer()


class _Watched:
    """A browser's websocket, as textual-serve reads it, noting each key the learner sends (idle time)."""

    def __init__(self, websocket, seen):
        self._websocket, self._seen = websocket, seen

    def __getattr__(self, name: str):
        return getattr(self._websocket, name)

    def __aiter__(self):
        return self

    async def __anext__(self):
        message = await self._websocket.__anext__()
        if isinstance(message.data, str) and message.data.startswith('["stdin"'):
            self._seen()
        return message


# Solo, behind a proxy that serves this app under a path (/user/ada/micrograd-tui/): the websocket is this
# page's address plus "ws", and a download, which textual.js opens at the site's root, goes under that path too.
# The script runs as the page is read, before textual.js connects (on load).
RELATIVE = """<script>
(function () {
  const base = location.pathname.replace(/[^/]*$/, "");
  const terminal = document.querySelector("#terminal");
  terminal.dataset.sessionWebsocketUrl = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + base + "ws";
  const open = window.open.bind(window);
  const root = location.origin + "/download/";
  window.open = (url, target) => open(typeof url === "string" && url.startsWith(root)
    ? location.origin + base + "download/" + url.slice(root.length) : url, target);
})();
</script>
"""

FOCUS_TERMINAL = """<script>
(function focusTerminal(tries) {
  const keys = document.querySelector("#terminal textarea");
  if (keys) { keys.focus(); } else if (tries > 0) { setTimeout(() => focusTerminal(tries - 1), 100); }
})(100);
</script>
"""


def _ended(service, stopping: bool) -> str:
    """Why a session ended, as the teacher's page says it: the server stopping, the app ending by itself
    (quit, or a crash with its exit status), or the browser going (a closed tab, a lost connection)."""
    if stopping:
        return "ended: the server stopped"
    process = service._process
    code = process.returncode if process is not None else None
    if code is None:
        return "tab closed"
    return "ended: the learner quit the app" if code == 0 else f"ended: the app stopped (exit status {code})"


RESET = (b"\x1b[2J\x1b[H\r\n  micrograd-tui: your teacher reset your work, so you start over.\r\n"
         b"  Reload this page.\r\n")
REMOVED = b"\x1b[2J\x1b[H\r\n  micrograd-tui: your teacher took this session out of the class.\r\n"
SAID = {"renamed": "Renamed.", "reset": "Reset: their progress and files start over; name and resume code kept.",
        "taken": "Someone in the class already has that name: choose another.", "noname": "Type a name."}

TAKEN_OVER = (b"\x1b[2J\x1b[H\r\n  micrograd-tui: this session is open in another tab or browser now, so it "
              b"stopped here.\r\n  Reload this page to bring it back here.\r\n")


async def _stop(service, patience: float = 3) -> None:
    """Ask the app to quit; if it has not gone within ``patience`` seconds, end it. Either way it is gone."""
    process = service._process
    try:
        await asyncio.wait_for(service.stop(), timeout=patience)
    except (asyncio.TimeoutError, Exception):
        pass
    if process is not None and process.returncode is None:
        try:
            process.kill()
        except ProcessLookupError:
            pass
        try:
            await asyncio.wait_for(process.wait(), timeout=3)
        except asyncio.TimeoutError:
            log.error("an app process (pid %s) did not end", process.pid)
    if service._task is not None:
        service._task.cancel()


def _int(text: str | None, default: int) -> int:
    try:
        return max(10, min(int(text or ""), 1000))
    except ValueError:
        return default


def _full_text(limit: int) -> bytes:
    return (f"\r\n  micrograd-tui: the class is full ({limit} sessions are running).\r\n"
            "  Try again in a minute, or ask whoever runs the server to allow more (--max-sessions).\r\n").encode()


def main(argv: list[str]) -> int:
    p = OneLineParser(prog="micrograd-tui serve", description="Serve micrograd-tui to web browsers, e.g. for a class.")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this computer only)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--public-url", metavar="URL", help="the address browsers use, when it is not http://HOST:PORT")
    p.add_argument("--max-sessions", type=int, default=30, metavar="N", help="sessions running at once (default 30)")
    p.add_argument("--data", metavar="DIR", help="where each session's progress and workspace live "
                                                  "(default: 'serve' in the user data directory)")
    p.add_argument("--class-code", metavar="CODE",
                   help="the code learners type to join (default: a new one, printed); a command line can be read "
                        f"by anyone on this machine, so prefer --class-code-file or ${ENV_CLASS_CODE}")
    p.add_argument("--class-code-file", metavar="FILE", help="read the class code from the first line of FILE")
    p.add_argument("--new-class", action="store_true",
                   help="a new class code and teacher's address (both are kept in --data across restarts otherwise)")
    p.add_argument("--training-slots", type=int, default=max(1, os.cpu_count() or 2), metavar="N",
                   help="demos that train at once, the rest wait in turn (default: the number of processors)")
    p.add_argument("--solo", action="store_true",
                   help="one learner's own app (their own progress, no class code, no teacher's pages), its "
                        "addresses relative: for a launcher behind a proxy, e.g. JupyterHub's (pip install "
                        "'micrograd-tui[hub]')")
    p.add_argument("--no-code", action="store_true",
                   help="do not run learners' code (build exercises): run them only for people you trust")
    args = p.parse_args(argv)
    try:
        import textual_serve  # noqa: F401
    except ImportError:
        print("micrograd-tui serve needs textual-serve: from a clone of micrograd-tui, pip install '.[web]'",
              file=sys.stderr)
        return 2
    if args.max_sessions < 1:
        p.error("--max-sessions must be at least 1")
    if args.training_slots < 1:
        p.error("--training-slots must be at least 1")
    from micrograd_tui.lessons.userdata import data_dir
    from micrograd_tui.lessons.workshop.sandbox import box_works

    if args.data:
        data = Path(args.data).expanduser().resolve()
    else:  # solo: the learner's own progress and workspace, as in a terminal; a class: a folder of its own
        data = data_dir() if args.solo else data_dir() / "serve"
    data.mkdir(parents=True, exist_ok=True)
    os.chmod(data, 0o700)
    boxed = not args.no_code and box_works()  # found out once, at start-up
    if args.solo:  # one learner behind a hub's proxy, which has let them in: no code, no teacher
        # two: a second tab takes the session over (the first app is stopped), as in a class
        server = build_server(args.host, args.port, args.public_url, data, 2, not args.no_code, "", "", boxed,
                              args.training_slots, solo=True)
        server.serve()
        return 0
    code = args.class_code or os.environ.pop(ENV_CLASS_CODE, "")  # popped: no app process inherits it
    if args.class_code_file:
        try:
            code = Path(args.class_code_file).read_text(encoding="utf-8").strip().splitlines()[0]
        except (OSError, UnicodeDecodeError, IndexError) as e:
            p.error(f"--class-code-file: cannot read a code from {args.class_code_file} ({type(e).__name__})")
    if code and not classroom.clean_name(code):
        p.error("--class-code must have letters or digits")
    # kept in --data: a restart keeps the code learners know and the teacher's address (--new-class: new ones)
    code, teacher = classroom.class_state(data, code or None, new=args.new_class)
    server = build_server(args.host, args.port, args.public_url, data, args.max_sessions, not args.no_code, code,
                          teacher, boxed, args.training_slots)
    server.serve()
    return 0
