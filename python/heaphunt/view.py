"""`heaphunt view FILE`: serve the viewer and one profile on localhost.

The viewer is the static page in the repository's viewer/ directory (or the
installed copy, <prefix>/share/heaphunt/viewer); it loads the profile named by its `?file=URL` parameter.
We serve the viewer's files at / and the profile at /profile.json, on
127.0.0.1 only, and hand out
http://127.0.0.1:PORT/index.html?file=/profile.json&name=NAME, NAME being
the file's own name, which the viewer shows (not "profile.json").
The viewer links its glossary and findings to docs/*.md as ../docs/NAME;
from /index.html that is /docs/NAME, which we serve from the docs that came
with the viewer: <repo>/docs in a source tree, <prefix>/share/doc/heaphunt/docs
when installed (where the Debian package may have gzipped them: NAME.gz is
served uncompressed).  Nothing else on the machine is reachable through the
server: the viewer directory is the document root, the docs are one flat
directory (and its images/), and the profile is one fixed path.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import os
import re
import threading
import urllib.parse
from pathlib import Path

PROFILE_URL_PATH = "/profile.json"
VIEWER_ENTRY = "index.html"
DOCS_URL_PREFIX = "/docs/"
# What the docs directory may serve: a page, or a picture in images/.
DOCS_NAME = re.compile(r"(?:images/)?[A-Za-z0-9_-]+\.(md|png)")
DOCS_CONTENT_TYPES = {"md": "text/plain; charset=utf-8", "png": "image/png"}


def find_viewer_dir(explicit: str | None = None) -> Path | None:
    """--viewer-dir, else $HEAPHUNT_VIEWER_DIR, else the viewer that came
    with the package: <repo>/viewer beside a source tree's python/, or
    <prefix>/share/heaphunt/viewer for a package installed in a Python
    directory under <prefix>/lib (make install, the Debian package and pip
    all install it there)."""
    candidates = []
    if explicit:
        candidates.append(Path(explicit))
    elif os.environ.get("HEAPHUNT_VIEWER_DIR"):
        candidates.append(Path(os.environ["HEAPHUNT_VIEWER_DIR"]))
    else:
        package_dir = Path(__file__).resolve().parent
        candidates.append(package_dir.parent.parent / "viewer")
        prefix = next((p.parent for p in package_dir.parents if p.name in ("lib", "lib64")),
                      None)
        if prefix is not None:
            candidates.append(prefix / "share" / "heaphunt" / "viewer")
    for c in candidates:
        if (c / VIEWER_ENTRY).is_file():
            return c
    return None


def find_docs_dir(viewer_dir: Path) -> Path | None:
    """The docs beside the viewer: <repo>/docs for <repo>/viewer, or
    <prefix>/share/doc/heaphunt/docs for <prefix>/share/heaphunt/viewer."""
    for candidate in (viewer_dir.parent / "docs",
                      viewer_dir.parent.parent / "doc" / "heaphunt" / "docs"):
        if candidate.is_dir():
            return candidate
    return None


def viewer_url(port: int, profile_name: str) -> str:
    query = urllib.parse.urlencode({"file": PROFILE_URL_PATH, "name": profile_name},
                                   safe="/")
    return f"http://127.0.0.1:{port}/{VIEWER_ENTRY}?{query}"


class _Handler(http.server.SimpleHTTPRequestHandler):
    profile_path: Path = Path()
    docs_dir: Path | None = None

    def do_GET(self) -> None:
        self._route(head_only=False)

    def do_HEAD(self) -> None:
        self._route(head_only=True)

    def _route(self, head_only: bool) -> None:
        path = urllib.parse.unquote(self.path.split("?", 1)[0].split("#", 1)[0])
        if path == PROFILE_URL_PATH:
            self._send_profile(head_only)
        elif path.startswith(DOCS_URL_PREFIX):
            self._send_doc(path[len(DOCS_URL_PREFIX):], head_only)
        elif head_only:
            super().do_HEAD()
        else:
            super().do_GET()

    def _send_doc(self, name: str, head_only: bool) -> None:
        match = DOCS_NAME.fullmatch(name)
        if self.docs_dir is None or match is None:
            self.send_error(404, "no such page in heaphunt's docs")
            return
        plain, packed = self.docs_dir / name, self.docs_dir / (name + ".gz")
        try:
            data = plain.read_bytes() if plain.is_file() else gzip.decompress(packed.read_bytes())
        except (OSError, EOFError, gzip.BadGzipFile):
            self.send_error(404, f"no page {name} in {self.docs_dir}")
            return
        self.send_response(200)
        self.send_header("Content-Type", DOCS_CONTENT_TYPES[match.group(1)])
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if not head_only:
            self.wfile.write(data)

    def _send_profile(self, head_only: bool) -> None:
        try:
            f = open(self.profile_path, "rb")
        except OSError as e:
            self.send_error(404, f"cannot read profile: {e.strerror}")
            return
        with f:
            size = os.fstat(f.fileno()).st_size
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(size))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if not head_only:
                self.copyfile(f, self.wfile)

    def log_message(self, format: str, *args: object) -> None:
        pass  # one line per request would bury the URL


def make_server(viewer_dir: Path, profile_path: Path, port: int = 0
                ) -> http.server.ThreadingHTTPServer:
    """A server bound to 127.0.0.1:port (0 = any free port), not yet serving."""
    handler = type("ProfileHandler", (_Handler,), {"profile_path": profile_path,
                                                   "docs_dir": find_docs_dir(viewer_dir)})
    factory = functools.partial(handler, directory=str(viewer_dir))
    return http.server.ThreadingHTTPServer(("127.0.0.1", port), factory)


def serve_in_thread(server: http.server.ThreadingHTTPServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return thread
