"""Serve dist/ like a well-configured static host on 127.0.0.1:

- a directory answers with its index.html (no redirect), an unknown path
  with 404.html and status 404;
- a client that accepts br or gzip gets the pre-compressed file beside the
  asset (Content-Encoding), as nginx's gzip_static/brotli_static or Caddy's
  `precompressed` do;
- file names with a content hash are cached for a year, HTML and sw.js are
  revalidated on every load.

Used by scripts/serve.sh, the performance script and the screenshots.
Usage: python3 scripts/serve_dist.py [PORT] [DIR] [PREFIX=OTHER_DIR]
(the last serves OTHER_DIR under /PREFIX/: the performance script's static
baseline pages, from the same server as the app)."""
import http.server
import os
import re
import sys

PORT = int(sys.argv[1]) if len(sys.argv) > 1 else 8099
ROOT = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else "dist")
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".wasm": "application/wasm",
    ".svg": "image/svg+xml",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".txt": "text/plain; charset=utf-8",
    ".png": "image/png",
}
MOUNTS = dict(a.split("=", 1) for a in sys.argv[3:])
HASHED = re.compile(r"-[0-9a-f]{12,}(_bg)?\.[a-z]+$")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body are two writes: without this, Nagle's algorithm and
    # delayed ACKs hold the body back ~40 ms on every response.
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def do_HEAD(self):
        self.respond(head=True)

    def do_GET(self):
        self.respond(head=False)

    def respond(self, head):
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        rel = os.path.normpath(path.lstrip("/")) if path.strip("/") else "."
        status = 200
        root = ROOT
        for prefix, other in MOUNTS.items():
            if rel.startswith(prefix.strip("/") + "/"):
                root, rel = os.path.abspath(other), rel[len(prefix.strip("/")) + 1:]
        full = os.path.join(root, rel)
        if rel.startswith("..") or os.path.isabs(rel):
            full = None
        elif os.path.isdir(full):
            full = os.path.join(full, "index.html")
        if full is None or not os.path.isfile(full):
            status, full = 404, os.path.join(ROOT, "404.html")
        ext = os.path.splitext(full)[1]
        accept = self.headers.get("Accept-Encoding", "")
        encoding = None
        for enc, suffix in (("br", ".br"), ("gzip", ".gz")):
            if enc in accept and os.path.isfile(full + suffix):
                encoding, full = enc, full + suffix
                break
        with open(full, "rb") as f:
            body = f.read()
        self.send_response(status)
        self.send_header("Content-Type", TYPES.get(ext, "application/octet-stream"))
        self.send_header("Content-Length", str(len(body)))
        if encoding:
            self.send_header("Content-Encoding", encoding)
        self.send_header("Vary", "Accept-Encoding")
        immutable = HASHED.search(path) is not None
        self.send_header("Cache-Control", "public, max-age=31536000, immutable" if immutable else "no-cache")
        self.end_headers()
        if not head:
            self.wfile.write(body)


if __name__ == "__main__":
    print(f"serving {ROOT} on http://127.0.0.1:{PORT}", flush=True)
    http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
