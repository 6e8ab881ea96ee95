#!/usr/bin/env python3
"""Runs a command as on a full disk: RLIMIT_FSIZE set to LIMIT bytes and SIGXFSZ ignored, so that
a write past LIMIT fails with EFBIG instead of killing the process. Its standard output and error
pass through pipes (this process has no limit), so that what it prints is not cut by the limit.

Usage: fsize_run.py LIMIT_BYTES COMMAND [ARGS...]   Exits with the command's exit code (128 + N
for signal N)."""
import resource
import signal
import subprocess
import sys


def limit(n):
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (n, n))
    return apply


def main():
    n = int(sys.argv[1])
    p = subprocess.run(sys.argv[2:], stdin=subprocess.DEVNULL, capture_output=True,
                       preexec_fn=limit(n))
    sys.stdout.buffer.write(p.stdout)
    sys.stderr.buffer.write(p.stderr)
    return p.returncode if p.returncode >= 0 else 128 - p.returncode


if __name__ == "__main__":
    sys.exit(main())
