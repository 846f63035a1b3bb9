#!/usr/bin/env bash
# Fault injection over the submit path (issue 14): the real binary submits an order to the
# fake provider (fakeapi.py, beside this script) while the connection fails at each point it
# can fail: before the request is sent, while it is sent, after the provider placed the order,
# while the answer is read, and with the gateway answers 502/503/504. Then `submit --yes` runs
# again. In every case the provider's log must show at most one placed order, and when the
# first run placed one, the rerun must not POST the order at all.
#
# usage: tests/fault_injection/run.sh BINARY
set -euo pipefail
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WS=0f3a4b5c-6d7e-4f80-9123-456789abcdef
ORDERS=/workspaces/$WS/orders
WORK=$(mktemp -d)
FAKE_PID=
cleanup() {
  [ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null && wait "$FAKE_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
for v in $(env | grep -o '^UP42_[A-Z_]*' || true); do unset "$v"; done

start_fake() { # RULES_JSON LOG -> PORT, FAKE_PID (the fake binds a port of the system's choice)
  rm -f "$2.port"
  python3 "$HERE/fakeapi.py" 0 "$2" "$1" "$ROOT/schemas-cache" "$2.port" 2>>"$2.stderr" &
  FAKE_PID=$!
  for _ in $(seq 500); do
    [ -s "$2.port" ] && { PORT=$(cat "$2.port"); return; }
    sleep 0.02
  done
  echo "the fake provider did not start"; cat "$2.stderr"; exit 1
}
stop_fake() { kill "$FAKE_PID" 2>/dev/null; wait "$FAKE_PID" 2>/dev/null || true; FAKE_PID=; }
# The fake logs one JSON object a line (json.dumps: `"key": value`).
placed() { grep -c '"placed": ' "$1" || true; }
order_posts() { grep -cE '"method": "POST", "path": "('"$ORDERS"'|/v2/orders)"' "$1" || true; }
submit() { # URL DIR -> exit code; output in DIR/out.txt
  local rc=0
  UP42_API_URL=$1 UP42_AUTH_URL=$1/realms/public/protocol/openid-connect/token \
    UP42_TOKEN=tok-static UP42_WORKSPACE_ID=$WS UP42_TIMEOUT=1 XDG_CACHE_HOME=$2/xdg \
    timeout 60 "$BIN" submit "$2/order_tasking_request.json" --yes >>"$2/out.txt" 2>&1 </dev/null || rc=$?
  return $rc
}

# name | rules (a JSON list for fakeapi.py; "dead" = nothing listens for the first run)
CASES=(
  "before sending: nothing listens|dead"
  "before sending: closed on accept|[{\"method\":\"POST\",\"path\":\"$ORDERS\",\"times\":1,\"action\":\"close_early\"}]"
  "while sending: reset halfway through the body|[{\"method\":\"POST\",\"path\":\"$ORDERS\",\"times\":1,\"action\":\"drop_during_body\"}]"
  "after placing: reset before answering|[{\"method\":\"POST\",\"path\":\"$ORDERS\",\"times\":1,\"action\":\"reset\",\"process\":true}]"
  "after placing: 502|[{\"method\":\"POST\",\"path\":\"$ORDERS\",\"times\":1,\"action\":\"process_then_status\",\"status\":502}]"
  "after placing: 503|[{\"method\":\"POST\",\"path\":\"$ORDERS\",\"times\":1,\"action\":\"process_then_status\",\"status\":503}]"
  "after placing: 504|[{\"method\":\"POST\",\"path\":\"$ORDERS\",\"times\":1,\"action\":\"process_then_status\",\"status\":504}]"
  "after placing: answer after the timeout|[{\"method\":\"POST\",\"path\":\"$ORDERS\",\"times\":1,\"action\":\"process_then_delay\",\"seconds\":2}]"
  "after placing: 307 to the other order endpoint|[{\"method\":\"POST\",\"path\":\"$ORDERS\",\"times\":1,\"action\":\"redirect\",\"status\":307,\"location\":\"/v2/orders?workspaceId=$WS\"}]"
  "reading the answer: truncated JSON|[{\"method\":\"POST\",\"path\":\"$ORDERS\",\"times\":1,\"action\":\"process_then_garbage\"}]"
  "reading the answer: half the body|[{\"method\":\"POST\",\"path\":\"$ORDERS\",\"times\":1,\"action\":\"truncate\"}]"
  "reading the answer: closed before Content-Length|[{\"method\":\"POST\",\"path\":\"$ORDERS\",\"times\":1,\"action\":\"short_body\"}]"
  "gateway without placing: 502|[{\"method\":\"POST\",\"path\":\"$ORDERS\",\"times\":1,\"action\":\"status\",\"status\":502}]"
  "gateway without placing: 503|[{\"method\":\"POST\",\"path\":\"$ORDERS\",\"times\":1,\"action\":\"status\",\"status\":503}]"
  "gateway without placing: 504|[{\"method\":\"POST\",\"path\":\"$ORDERS\",\"times\":1,\"action\":\"status\",\"status\":504}]"
)

failed=0
for case in "${CASES[@]}"; do
  name=${case%%|*}
  rules=${case#*|}
  dir=$WORK/$(echo "$name" | tr -c 'a-z0-9\n' '_')
  mkdir -p "$dir"
  cp "$ROOT/examples/pleiades_analytic_mono_tasking_request.json" "$dir/order_tasking_request.json"
  log=$dir/requests.log
  : >"$log"
  if [ "$rules" = dead ]; then
    echo '[]' >"$dir/rules.json"
    # Port 1 (tcpmux) is privileged and unused: the connection is refused.
    rc1=0; submit "http://127.0.0.1:1" "$dir" || rc1=$?
    start_fake "$dir/rules.json" "$log"
  else
    echo "$rules" >"$dir/rules.json"
    start_fake "$dir/rules.json" "$log"
    rc1=0; submit "http://127.0.0.1:$PORT" "$dir" || rc1=$?
  fi
  placed1=$(placed "$log")
  posts1=$(order_posts "$log")
  echo "--- rerun" >>"$dir/out.txt"
  rc2=0; submit "http://127.0.0.1:$PORT" "$dir" || rc2=$?
  placed=$(placed "$log")
  posts=$(order_posts "$log")
  stop_fake
  verdict=ok
  if [ "$placed" -gt 1 ]; then verdict="FAILED: $placed orders placed"; fi
  if [ "$placed1" -ge 1 ] && [ "$posts" -gt "$posts1" ]; then
    verdict="FAILED: the rerun posted the order again after the first run placed it"
  fi
  if [ "$rc1" = 124 ] || [ "$rc2" = 124 ]; then verdict="FAILED: a run hung"; fi
  if grep -q "panicked" "$dir/out.txt"; then verdict="FAILED: a panic"; fi
  if [ "$placed1" -ge 1 ] && ! grep -q "outcome unknown" "$dir/out.txt"; then
    verdict="FAILED: a lost answer was not reported as \"outcome unknown\""
  fi
  printf '%-52s first run: exit %s, %s placed; rerun: exit %s; placed in all: %s  %s\n' \
    "$name" "$rc1" "$placed1" "$rc2" "$placed" "$verdict"
  if [ "$verdict" != ok ]; then
    failed=1
    sed 's/^/    /' "$dir/out.txt"
  fi
done
if [ "$failed" != 0 ]; then
  echo "fault injection: an order could be placed twice (see above)"
  exit 1
fi
echo "fault injection: at most one order placed in all ${#CASES[@]} cases"
