"""Bundle size table for dist/: raw, gzip -9 and brotli (if available) per
file, and the first-load total of what index.html pulls in."""
import gzip
import os
import re
import sys

try:
    import brotli  # type: ignore
except ImportError:  # brotli is optional here
    brotli = None

BUDGET_KB = 250


def sizes(path):
    data = open(path, "rb").read()
    gz = len(gzip.compress(data, 9))
    br = len(brotli.compress(data, quality=11)) if brotli else None
    return len(data), gz, br


def kb(n):
    return "-" if n is None else f"{n / 1024:.1f} KB"


def main(dist):
    files = []
    for root, _, names in os.walk(dist):
        for name in names:
            if name.endswith((".gz", ".br")):
                continue
            full = os.path.join(root, name)
            files.append((os.path.relpath(full, dist), full))
    files.sort()
    index = open(os.path.join(dist, "index.html"), encoding="utf-8").read()
    first_load = {"index.html"}
    for ref in re.findall(r'(?:href|src)="/?([^"#?]+)"', index):
        first_load.add(ref.split("/")[-1] if "/" in ref else ref)
    # The loader imports the .wasm by name.
    for rel, _ in files:
        if rel.endswith(".wasm"):
            first_load.add(rel)
    print(f"{'file':48} {'raw':>10} {'gzip':>10} {'brotli':>10}  first load")
    total = [0, 0, 0]
    for rel, full in files:
        raw, gz, br = sizes(full)
        fl = rel in first_load or os.path.basename(rel) in first_load
        if fl and rel != "404.html":
            total[0] += raw
            total[1] += gz
            total[2] += br or 0
        print(f"{rel:48} {kb(raw):>10} {kb(gz):>10} {kb(br):>10}  {'yes' if fl else ''}")
    print(f"{'FIRST LOAD TOTAL':48} {kb(total[0]):>10} {kb(total[1]):>10} {kb(total[2] if brotli else None):>10}")
    print(f"first-load budget: {BUDGET_KB} KB gzip -> {'within' if total[1] <= BUDGET_KB * 1024 else 'OVER'}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "dist")
