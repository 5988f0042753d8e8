#!/usr/bin/env bash
# Make sure Redis answers on 127.0.0.1:6379 (start it, installing Debian's redis-server if
# needed). Exit 0 when ready, 1 when Redis cannot be had on this machine.
set -u
ready() {
  if command -v redis-cli >/dev/null 2>&1; then
    redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG
  else
    (exec 3<>/dev/tcp/127.0.0.1/6379 && printf 'PING\r\n' >&3 && head -c 5 <&3 | grep -q PONG) \
      2>/dev/null
  fi
}
ready && exit 0
if ! command -v redis-server >/dev/null 2>&1; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server \
    >/dev/null) || exit 1
fi
redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save '' >/dev/null 2>&1 || true
for _ in $(seq 1 30); do ready && exit 0; sleep 0.2; done
exit 1
