#!/usr/bin/env python3
"""A throwaway PostgreSQL cluster for the tests (issue 22): initdb in a temporary directory, a free
port on 127.0.0.1, its socket in the same directory, a role and a database "doseplan" with a
password (SCRAM); stopped and removed at the end. PostgreSQL refuses to run as root: as root the
cluster is made and run as the user `postgres` (Debian's package creates it) with runuser.

    with PgCluster() as pg:
        pg.url        # postgresql://doseplan@127.0.0.1:PORT/doseplan (no password in it)
        pg.env        # PGPASSFILE pointing at a .pgpass with the password (mode 0600)
        pg.stop(); pg.start()   # a restart (fault tests)
        pg.kill()               # SIGKILL to the postmaster (fault tests)

usage (self-test): pg_cluster.py"""
import glob
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile


def _bindir():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError("PostgreSQL is not installed (scripts/setup.sh installs postgresql)")
    return os.path.dirname(found[-1])


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgCluster:
    def __init__(self):
        self.bin = _bindir()
        self.root = os.geteuid() == 0
        self.tmp = tempfile.mkdtemp(prefix="doseplan-pg-")
        self.data = os.path.join(self.tmp, "data")
        self.port = _free_port()
        self.password = secrets.token_hex(16)
        self.url = f"postgresql://doseplan@127.0.0.1:{self.port}/doseplan"
        self.pgpass = os.path.join(self.tmp, "pgpass")
        with open(self.pgpass, "w") as f:
            f.write(f"127.0.0.1:{self.port}:*:doseplan:{self.password}\n")
        os.chmod(self.pgpass, 0o600)
        self.env = dict(os.environ, PGPASSFILE=self.pgpass)
        if self.root:
            shutil.chown(self.tmp, "postgres", "postgres")
        os.chmod(self.tmp, 0o711)
        pwfile = os.path.join(self.tmp, "pw")
        with open(pwfile, "w") as f:
            f.write(self.password + "\n")
        if self.root:
            shutil.chown(pwfile, "postgres", "postgres")
        self._run("initdb", "-D", self.data, "-U", "doseplan", "--pwfile", pwfile,
                  "-A", "scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8")
        os.remove(pwfile)
        self.start()
        subprocess.run([os.path.join(self.bin, "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
                        "-U", "doseplan", "doseplan"], env=self.env, check=True, capture_output=True)

    def _run(self, tool, *args):
        cmd = [os.path.join(self.bin, tool), *args]
        if self.root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=self.tmp)

    def start(self):
        self._run("pg_ctl", "-D", self.data, "-l", os.path.join(self.tmp, "log"), "-w", "-o",
                  f"-p {self.port} -k {self.tmp} -c listen_addresses=127.0.0.1", "start")

    def stop(self):
        self._run("pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")

    def kill(self):
        with open(os.path.join(self.data, "postmaster.pid")) as f:
            os.kill(int(f.readline()), signal.SIGKILL)

    def psql(self, sql):
        return subprocess.run([os.path.join(self.bin, "psql"), "-X", "-A", "-t", "-d", self.url, "-c", sql],
                              env=self.env, check=True, capture_output=True, text=True).stdout.strip()

    def close(self):
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


if __name__ == "__main__":
    with PgCluster() as pg:
        assert pg.psql("SELECT 1") == "1"
        assert pg.psql("SHOW password_encryption") == "scram-sha-256"
        pg.stop()
        pg.start()
        assert pg.psql("SELECT current_user") == "doseplan"
        print(f"pg_cluster: a cluster on port {pg.port} started, answered, restarted and stopped")
