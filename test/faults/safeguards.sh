#!/usr/bin/env bash
# Safeguard-removal check: for each safeguard, patch it out of a COPY of the compiled node /
# gateway (never the working tree), run the fault scenario that covers it against the copy, and
# report whether the scenario failed as it should. Usage: test/faults/safeguards.sh [name...]
# Needs `npm run build` first. Prints one line per safeguard: name, scenario, FAILED-AS-EXPECTED|PASSED.
set -u
cd "$(dirname "$0")/../.."
ROOT=$PWD
SAB=$(mktemp -d /tmp/zkviz-safeguards-XXXX)
trap 'rm -rf "$SAB"' EXIT

fresh_copy() {
  rm -rf "$SAB/w" && mkdir -p "$SAB/w/node_modules/@zkviz"
  for pkg in shared cluster frontend; do
    mkdir -p "$SAB/w/$pkg" && cp -r "$ROOT/$pkg/dist" "$SAB/w/$pkg/dist" && cp "$ROOT/$pkg/package.json" "$SAB/w/$pkg/"
    ln -s "$SAB/w/$pkg" "$SAB/w/node_modules/@zkviz/$pkg"
  done
  for entry in "$ROOT"/node_modules/* "$ROOT"/node_modules/.bin; do
    name=$(basename "$entry"); [ "$name" = "@zkviz" ] && continue
    ln -s "$entry" "$SAB/w/node_modules/$name"
  done
}

# patch <file relative to copy> <python-literal old> <python-literal new>
patch() {
  python3 - "$SAB/w/$1" "$2" "$3" <<'PY' || exit 1
import sys
path, old, new = sys.argv[1], sys.argv[2], sys.argv[3]
s = open(path).read()
if old not in s:
    sys.exit(f"pattern not found in {path}: {old[:80]}")
open(path, "w").write(s.replace(old, new, 1))
PY
}

run() { # <safeguard name> <test file> <name pattern>
  local name=$1 file=$2 pattern=$3
  ZKVIZ_FAULTS_NODE_ENTRY="$SAB/w/cluster/dist/main.js" ZKVIZ_FAULTS_GATEWAY_ENTRY="$SAB/w/frontend/dist/gateway/main.js" \
  ZKVIZ_FAULTS_GUARD_MS=${ZKVIZ_FAULTS_GUARD_MS:-12000} ZKVIZ_FAULTS_TAILS=0 \
    timeout 300 node --import tsx --test --test-force-exit --test-concurrency=1 --test-name-pattern "$pattern" "$file" > "$SAB/out.log" 2>&1
  local rc=$?
  cp "$SAB/out.log" "/tmp/zkviz-safeguard-$name-$pattern.log"  # kept for a closer look
  local why=$(grep -m1 -A2 "^  error:" "$SAB/out.log" | sed 's/^ *//' | tr '\n' ' ' | cut -c1-220)
  if [ $rc -ne 0 ]; then echo "$name | $pattern | FAILED-AS-EXPECTED | $why"; else echo "$name | $pattern | PASSED (safeguard not covered)"; fi
}

want() { [ $# -eq 0 ] && return 0; for w in "${SELECTED[@]}"; do [ "$w" = "$1" ] && return 0; done; return 1; }
SELECTED=("$@")
sel() { [ ${#SELECTED[@]} -eq 0 ] && return 0; want "$1"; }

M=cluster/dist/election/machine.js
D=cluster/dist/election/driver.js
C=shared/dist/zk/connection.js

if sel stop-acting-on-suspended; then for sc in F5 F6 F7; do fresh_copy
  patch $M "const next = stopActing({ ...state, connected: false }, 'connection suspended');" "const next = { state: { ...state, connected: false }, commands: [] };"
  run stop-acting-on-suspended test/faults/partitions.test.ts $sc; [ -n "${SHOW:-}" ] && grep -A12 "^  error:" "$SAB/out.log" | head -14; done; fi

if sel local-expiry-timer; then fresh_copy
  patch $C "this.localExpiryTimer = setTimeout(() => {" "this.localExpiryTimer = (() => () => {})(() => {"
  run local-expiry-timer test/faults/partitions.test.ts F7; fi

if sel state-poll; then fresh_copy
  patch $C "if (this.connected && client.state !== ZOO_CONNECTED_STATE)" "if (false)"
  for i in 1 2 3; do run state-poll test/faults/partitions.test.ts F6; done; fi

if sel protected-create-adoption; then fresh_copy
  # Recognise our znode only by the name a create reply gave us, never by our prefix.
  patch $M "const mineIndex = candidates.findIndex((c) => c.candidateId === state.candidateId);" "const mineIndex = candidates.findIndex((c) => c.name === state.electionZnode);"
  run protected-create-adoption test/faults/races.test.ts F10; fi

if sel watch-nonode-redecide; then fresh_copy
  patch $M "                return decide(state); // predecessor already gone: look again" "                return { state, commands: [] };"
  run watch-nonode-redecide test/faults/races.test.ts F4; fi

if sel predecessor-deleted-redecide; then fresh_copy
  patch $M "            // Keep \`watching\` as it is until the next decision: that stale moment is real and shown.
            return decide(state);" "            return { state, commands: [] };"
  run predecessor-deleted-redecide test/faults/leader-loss.test.ts F3; run predecessor-deleted-redecide test/faults/leader-loss.test.ts F1; fi

if sel ownership-check; then fresh_copy
  patch $M "if (event.ephemeralOwner !== state.sessionId) {" "if (false) {"
  for sc in F10 F4; do run ownership-check test/faults/races.test.ts $sc; done
  run ownership-check test/faults/partitions.test.ts F6; fi

if sel parents-recreated; then fresh_copy
  # A create answered ZNONODE (parent gone) re-creates the parents, and so does a list answered ZNONODE.
  patch $M "                return { state: next, commands: [{ type: 'ensureParents', sessionId: event.sessionId, then: 'create' }] };" "                return { state: next, commands: [] };"
  patch $M "return { state: { ...gone.state, phase: 'joining' }, commands: [...gone.commands, { type: 'ensureParents', sessionId: event.sessionId, then: 'create' }] };" "return { state, commands: [] };"
  run parents-recreated test/faults/zookeeper.test.ts F8b; fi

if sel graceful-delete; then fresh_copy
  patch $M "        commands.push({ type: 'delete', sessionId: state.sessionId, znode: state.electionZnode });" ""
  patch $M "    commands.push({ type: 'closeSession' });
    return { state: { ...state, lifecycle: 'stopped'" "    return { state: { ...state, lifecycle: 'stopped'"
  run graceful-delete test/faults/leader-loss.test.ts F2; run graceful-delete test/faults/lifecycle.test.ts F13; fi

if sel stop-waits-for-create; then fresh_copy
  patch $M "            if (next.state.createInFlight)
                return next;" ""
  run stop-waits-for-create test/faults/lifecycle.test.ts F13; fi

if sel gateway-fencing; then fresh_copy
  patch frontend/dist/gateway/feed/leader-tracker.js "if (!registered || via !== registered.id)" "if (!registered)"
  patch frontend/dist/gateway/feed/leader-tracker.js "if (claimed !== registered.id)" "if (false)"
  patch frontend/dist/gateway/feed/leader-tracker.js "if (token < state.highestToken)" "if (false)"
  patch frontend/dist/gateway/feed/cluster-feed.js "        if (this.stream) {
            this.stream.handle.stop();" "        if (this.stream) {"
  for i in 1 2; do run gateway-fencing test/faults/freeze.test.ts F11; done
  run gateway-fencing test/faults/stale-leader.test.ts F11b; fi

# The stream drop alone (the tracker's rules still reject the rogue's messages).
if sel gateway-drop-stream; then fresh_copy
  patch frontend/dist/gateway/feed/cluster-feed.js "        if (this.stream) {
            this.stream.handle.stop();" "        if (this.stream) {"
  run gateway-drop-stream test/faults/stale-leader.test.ts F11b; fi

if sel freeze-detector; then fresh_copy
  patch cluster/dist/node.js "if (gap <= timeout / 3)" "if (true)"
  for i in 1 2 3; do run freeze-detector test/faults/freeze.test.ts F11; done; fi
