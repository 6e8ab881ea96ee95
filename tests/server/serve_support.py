"""Starts and stops `doseplan serve` for the server tests: a temporary HOME and tracker database,
a free port, the printed address read back (base URL and key)."""
import os
import re
import shutil
import signal
import ssl
import subprocess
import tempfile
import threading
import urllib.request


class Server:
    def __init__(self, binary, rules, db=None, extra=()):
        self.tmp = tempfile.mkdtemp(prefix="doseplan-serve-")
        os.chmod(self.tmp, 0o700)
        self.db = db or os.path.join(self.tmp, "tracker.db")
        env = dict(os.environ, HOME=self.tmp, DOSEPLAN_RULES=rules, TZ="UTC")
        env.pop("XDG_DATA_HOME", None)
        self.proc = subprocess.Popen([binary, "serve", "--db", self.db, *extra],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
        line = self.proc.stdout.readline()
        # Without accounts: the address with the per-launch key; with accounts: the login page.
        m = re.match(r"doseplan serve: open (https?://[^/]+)/(?:\?key=([0-9a-f]{64})|login .*)$",
                     line.strip())
        if not m:
            self.proc.kill()
            raise RuntimeError(f"no address printed: {line!r} {self.proc.stderr.read()!r}")
        self.base, self.key = m.group(1), m.group(2)
        self.port = int(self.base.rsplit(":", 1)[1])
        self.log_lines = []
        self._log_thread = threading.Thread(target=self._read_log, daemon=True)
        self._log_thread.start()

    def _read_log(self):
        for line in self.proc.stderr:
            self.log_lines.append(line)

    def stop(self):
        """SIGTERM; returns (exit code, what it printed after the address)."""
        self.proc.send_signal(signal.SIGTERM)
        out = self.proc.stdout.read()
        code = self.proc.wait(timeout=30)
        self._log_thread.join(timeout=5)
        return code, out

    def cleanup(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def request(self, method, path, body=None, headers=None, key=True):
        """(status, headers, body bytes); never raises on an HTTP status."""
        h = dict(headers or {})
        if key and self.key and "Authorization" not in h and "Cookie" not in h:
            h["Authorization"] = "Bearer " + self.key
        data = body.encode() if isinstance(body, str) else body
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=h)
        handlers = [NoRedirect]
        if self.base.startswith("https://"):  # the tests' self-signed certificate
            handlers.append(urllib.request.HTTPSHandler(context=ssl._create_unverified_context()))
        opener = urllib.request.build_opener(*handlers)
        try:
            with opener.open(req, timeout=30) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
