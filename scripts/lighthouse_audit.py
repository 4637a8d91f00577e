"""Start `afterview serve` on a throwaway instance, make a user with a planned interview, and
run Lighthouse on `/` logged out and logged in. Prints the four scores and the start page's
own transfer sizes (HTML, CSS, JS). Called by scripts/lighthouse."""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date
from datetime import timedelta
from http.cookiejar import CookieJar
from pathlib import Path

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(instance: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "AFTERVIEW_INSTANCE_PATH": str(instance)}
    env.pop("DATABASE_URL", None)
    log = open(instance / "server.log", "wb")  # noqa: SIM115 (kept open for the server's life)
    command = [str(Path(sys.executable).with_name("afterview")), "serve", "--port", str(port)]
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/healthz"
    for _ in range(300):
        try:
            with urllib.request.urlopen(url, timeout=2):
                return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("afterview serve did not start: see " + str(instance / "server.log"))


def logged_in_cookie(base: str) -> str:
    """A new account with one planned interview; returns its session cookie header."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def call(method: str, path: str, body: dict) -> dict:
        request = urllib.request.Request(
            base + path,
            data=json.dumps(body).encode(),
            method=method,
            headers={"Content-Type": "application/json", "Origin": base},
        )
        with opener.open(request) as response:
            return json.loads(response.read() or b"null")

    call("POST", "/api/account", {
        "email": "lighthouse@example.com", "password": "lighthouse-password-1",
        "name": "Ann Example", "timezone": "Europe/Berlin",
    })
    interview = call("POST", "/api/interviews", {
        "company": "Northwind Traders", "position": "Product designer",
        "decision_expected_on": (date.today() + timedelta(days=10)).isoformat(),
    })
    call("POST", "/api/contacts", {
        "name": "Dana Whitfield", "title": "Head of Design", "emails": ["dana@northwind.example"],
        "interview_id": interview["id"], "role": "interviewer",
    })
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def audit(url: str, out: Path, cookie: str | None) -> dict:
    command = [
        os.environ["LIGHTHOUSE"], url, "--quiet", "--output=json", f"--output-path={out}",
        f"--chrome-flags={CHROME_FLAGS}", "--form-factor=mobile",
    ]
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    # Lighthouse now and then fails to reach a Chrome it just started: one more try.
    for attempt in (1, 2):
        run = subprocess.run(command, capture_output=True, text=True)
        if run.returncode == 0:
            return json.loads(out.read_text())
        print(f"lighthouse failed (try {attempt}): {run.stderr.strip()[-600:]}", file=sys.stderr)
    raise SystemExit(f"lighthouse could not audit {url}")


def own_weight(report: dict, base: str) -> dict[str, int]:
    """Transferred bytes of the page's own HTML, CSS and JS (everything from this origin)."""
    sizes = {"Document": 0, "Stylesheet": 0, "Script": 0}
    for item in report["audits"]["network-requests"]["details"]["items"]:
        if item["url"].startswith(base) and item.get("resourceType") in sizes:
            sizes[item["resourceType"]] += item.get("transferSize", 0)
    return sizes


def summary(name: str, report: dict, base: str) -> str:
    scores = {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}
    weight = own_weight(report, base)
    failed = [
        audit["id"]
        for audit in report["audits"].values()
        if audit.get("score") is not None and audit["score"] < 0.9
        and audit.get("scoreDisplayMode") in ("binary", "numeric")
    ]
    lines = [
        f"{name}: " + "  ".join(f"{c} {s}" for c, s in scores.items()),
        f"  own HTML {weight['Document']} B, CSS {weight['Stylesheet']} B, JS {weight['Script']} B"
        f" = {sum(weight.values()) / 1024:.1f} KB transferred",
    ]
    if failed:
        lines.append("  below 0.9: " + ", ".join(sorted(failed)))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keep", type=Path, help="a folder to keep the JSON reports in")
    parser.add_argument(
        "--also", nargs="*", default=[], metavar="PATH",
        help="more pages to audit logged in, e.g. --also /after /settings /contacts",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="afterview-lighthouse-") as temp:
        instance = Path(temp)
        out = args.keep or instance
        out.mkdir(parents=True, exist_ok=True)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(instance, port)
        try:
            logged_out = audit(base + "/", out / "logged-out.json", None)
            cookie = logged_in_cookie(base)
            logged_in = audit(base + "/", out / "logged-in.json", cookie)
            others = {
                path: audit(base + path, out / f"page-{index}.json", cookie)
                for index, path in enumerate(args.also)
            }
        finally:
            server.terminate()
            server.wait(timeout=20)
        print(summary("/ logged out (sign-in)", logged_out, base))
        print(summary("/ logged in (Today)", logged_in, base))
        for path, report in others.items():
            print(summary(f"{path} logged in", report, base))


if __name__ == "__main__":
    main()
