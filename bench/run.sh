#!/usr/bin/env bash
# Reproduces keyctl's performance figures on this machine with public tools:
#   1. 10,000 ids against a local server that answers at once, audit log on,
#      -o json, next to a minimal Go client at the same concurrency, xargs -P8
#      curl and a while-read curl loop;
#   2. 1,000,000 ids from stdin with --dry-run: peak RSS (/usr/bin/time -v);
#   3. a provider limited to 100 requests/s (429 Retry-After: 1 beyond):
#      1,000 ids, wall time against the ideal 10 s and the share of 429s;
#   4. one keyctl revoke process against one curl -X DELETE;
#   5. pacing with default flags: bench/pace.sh (a provider 200 ms away
#      allowing 100 requests/s, and one allowing 5 requests/s).
# Usage: bench/run.sh   (needs go, curl, jq, bc and GNU time; KEYCTL=path
# measures another build)
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

keyctl=${KEYCTL:-} # KEYCTL=path measures another build
if [ -z "$keyctl" ]; then
  go build -o "$work/keyctl" .
  keyctl=$work/keyctl
fi
go build -o "$work/minclient" ./bench/minclient
export XDG_STATE_HOME=$work/state XDG_CONFIG_HOME=$work/config

now() { date +%s.%N; }
rate() { echo "scale=0; $1 / ($3 - $2)" | bc; }

start_sandbox() { # addr, extra flags...
  local addr=$1; shift
  "$keyctl" sandbox --addr "$addr" --any-id "$@" > "$work/sandbox.env" 2>/dev/null &
  for _ in $(seq 50); do grep -q LAVA_TOKEN "$work/sandbox.env" 2>/dev/null && break; sleep 0.1; done
  # shellcheck disable=SC1091
  . "$work/sandbox.env"
}

echo "== 1. throughput: 10,000 ids, instant local server"
start_sandbox 127.0.0.1:0 # any free port: other runs may hold fixed ones
seq -f "k%06g" 1 10000 > "$work/ids10k"
conc=8 # the minimal client's requests in flight; keyctl runs with its defaults
# Three rounds each, alternating, best of three: the machine is shared and
# noisy, and the best round is the closest to what each can do.
best_k=0 best_m=0
for round in 1 2 3; do
  sed "s/^/k$round-/" "$work/ids10k" > "$work/ids"
  s=$(now); "$keyctl" revoke lava --from "$work/ids" -o json --audit-log "$work/audit.jsonl" > "$work/out.jsonl"; e=$(now)
  n=$(grep -c '"outcome":"revoked"' "$work/out.jsonl")
  [ "$n" = 10000 ] || { echo "keyctl revoked only $n of 10000" >&2; exit 1; }
  r=$(rate 10000 "$s" "$e"); [ "$r" -gt "$best_k" ] && best_k=$r
  r=$(sed "s/^/m$round-/" "$work/ids10k" | "$work/minclient" -base "$KEYCTL_LAVA_BASE_URL/secret_keys/" -token "$KEYCTL_LAVA_TOKEN" -c $conc | sed 's/.*: \([0-9]*\) req\/s/\1/')
  [ "$r" -gt "$best_m" ] && best_m=$r
done
audit_lines=$(wc -l < "$work/audit.jsonl")
echo "keyctl (audit log on: $audit_lines records synced, -o json, default flags): $best_k keys/s"
echo "minimal Go client ($conc in flight, keep-alive):             $best_m keys/s"
echo "keyctl / minimal client: $(echo "scale=0; 100 * $best_k / $best_m" | bc)% (target >= 50%)"
head -2000 "$work/ids10k" | sed 's/^/x/' > "$work/ids2k"
s=$(now)
xargs -P8 -I{} curl -s -o /dev/null -X DELETE -H "Authorization: Bearer $KEYCTL_LAVA_TOKEN" "$KEYCTL_LAVA_BASE_URL/secret_keys/{}" < "$work/ids2k"
e=$(now); echo "xargs -P8 curl (2,000 ids): $(rate 2000 "$s" "$e") keys/s"
head -300 "$work/ids10k" | sed 's/^/w/' > "$work/ids300"
s=$(now)
while read -r id; do curl -s -o /dev/null -X DELETE -H "Authorization: Bearer $KEYCTL_LAVA_TOKEN" "$KEYCTL_LAVA_BASE_URL/secret_keys/$id"; done < "$work/ids300"
e=$(now); echo "while read; curl loop (300 ids): $(rate 300 "$s" "$e") keys/s"
kill %1; wait 2>/dev/null || true

echo "== 2. memory: 1,000,000 ids from stdin, --dry-run"
seq -f "k%07g" 1 1000000 | /usr/bin/time -v "$keyctl" revoke lava --from - --dry-run -o json 2> "$work/time.txt" > /dev/null
grep -E "Maximum resident|Elapsed" "$work/time.txt" | sed 's/^[[:space:]]*//'

echo "== 3. rate limit: 1,000 ids, provider allows 100 requests/s"
start_sandbox 127.0.0.1:0 --rate-limit 100
seq -f "r%04g" 1 1000 > "$work/ids1k"
s=$(now); "$keyctl" revoke lava --from "$work/ids1k" -o json --no-audit > "$work/rl.jsonl"; e=$(now)
requests=$(jq -s 'map(.attempts) | add' "$work/rl.jsonl")
revoked=$(grep -c '"outcome":"revoked"' "$work/rl.jsonl")
echo "$revoked revoked in $(echo "$e - $s" | bc) s (ideal 10 s, target <= 13 s); $requests requests, $((requests - 1000)) answered 429 ($(echo "scale=1; 100 * ($requests - 1000) / $requests" | bc)%, target < 5%)"
kill %1; wait 2>/dev/null || true

echo "== 4. one process: keyctl revoke vs curl -X DELETE"
go test -run '^$' -bench OneRevokeProcess -benchtime 200x ./internal/e2e | grep Benchmark

echo "== 5. pacing with default flags"
KEYCTL=$keyctl bench/pace.sh 2
