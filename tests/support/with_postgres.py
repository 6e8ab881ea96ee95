#!/usr/bin/env python3
"""Runs a command with a throwaway PostgreSQL cluster (pg_cluster.py) for its time:
DOSEPLAN_TEST_POSTGRES is the URL of the cluster's database "doseplan" (its role may create
databases: each tracker test makes its own) and PGPASSFILE the .pgpass with its password. The
command's exit code is this script's; the cluster is stopped and removed in every case.

usage: with_postgres.py COMMAND [ARG...]"""
import os
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pg_cluster import PgCluster  # noqa: E402


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    # SIGTERM (ctest's timeout, `timeout`) leaves through the with-block: the cluster is removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with PgCluster() as pg:
        env = dict(pg.env, DOSEPLAN_TEST_POSTGRES=pg.url)
        return subprocess.run(sys.argv[1:], env=env).returncode


if __name__ == "__main__":
    sys.exit(main())
