#!/usr/bin/env bash
# Make sure PostgreSQL answers on 127.0.0.1:5432 and the test database exists.
# Exit 0 when ready, 1 when PostgreSQL cannot be had on this machine.
set -u
db="${1:-proxycall_test}"
ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
if ! ready; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && ls /etc/postgresql >/dev/null 2>&1; then
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    pg_ctlcluster --skip-systemctl-redirect "$version" main start >/dev/null 2>&1 || true
  fi
  for _ in $(seq 1 30); do ready && break; sleep 0.5; done
fi
ready || exit 1
exists=$(psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$db'" 2>/dev/null)
if [ "$exists" != "1" ]; then
  psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE \"$db\"" >/dev/null 2>&1 || exit 1
fi
exit 0
