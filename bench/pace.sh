#!/usr/bin/env bash
# Pacing figures with default flags against `keyctl sandbox --any-id`:
#   a. a provider 200 ms away that allows 100 requests/s: 1,000 ids
#      (ideal 10 s, target <= 12 s and < 3% of requests answered 429);
#   b. a provider on loopback that allows 5 requests/s: 60 ids
#      (ideal 12 s, target <= 14.4 s).
# The sandbox's limit is a fixed one-second window per provider, answered
# with 429 and Retry-After: 1 beyond it.
# Usage: bench/pace.sh [rounds]   (KEYCTL=path picks the binary; default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-1}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
keyctl=${KEYCTL:-}
if [ -z "$keyctl" ]; then
  go build -o "$work/keyctl" .
  keyctl=$work/keyctl
fi
export XDG_STATE_HOME=$work/state XDG_CONFIG_HOME=$work/config

now() { date +%s.%N; }

start_sandbox() { # addr, extra flags...
  local addr=$1; shift
  "$keyctl" sandbox --addr "$addr" --any-id "$@" > "$work/sandbox.env" 2>/dev/null &
  for _ in $(seq 50); do grep -q LAVA_TOKEN "$work/sandbox.env" 2>/dev/null && break; sleep 0.1; done
  # shellcheck disable=SC1091
  . "$work/sandbox.env"
}

run() { # label, ids, n, ideal
  local label=$1 ids=$2 n=$3 ideal=$4 s e requests revoked
  s=$(now); "$keyctl" revoke lava --from "$ids" -o json --no-audit > "$work/out.jsonl"; e=$(now)
  requests=$(jq -s 'map(.attempts) | add' "$work/out.jsonl")
  revoked=$(grep -c '"outcome":"revoked"' "$work/out.jsonl" || true)
  echo "$label: $revoked of $n revoked in $(echo "scale=1; ($e - $s) / 1" | bc) s (ideal $ideal s); $requests requests, $((requests - n)) answered 429 ($(echo "scale=1; 100 * ($requests - $n) / $requests" | bc)%)"
}

echo "== a. 200 ms away, 100 requests/s allowed, 1,000 ids, default flags"
start_sandbox 127.0.0.1:0 --latency 200ms --rate-limit 100
for round in $(seq "$rounds"); do
  seq -f "a$round-%04g" 1 1000 > "$work/ids"
  run "round $round" "$work/ids" 1000 10
  sleep 1.1 # a fresh rate-limit window for the next round
done
kill %1; wait 2>/dev/null || true

echo "== b. 5 requests/s allowed, 60 ids, default flags"
start_sandbox 127.0.0.1:0 --rate-limit 5
for round in $(seq "$rounds"); do
  seq -f "b$round-%04g" 1 60 > "$work/ids"
  run "round $round" "$work/ids" 60 12
  sleep 1.1
done
kill %1; wait 2>/dev/null || true
