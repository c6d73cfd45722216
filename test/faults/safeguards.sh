#!/usr/bin/env bash
# Safeguard-removal check: for each safeguard, run the fault scenario meant to catch its absence
# with that safeguard switched off, and report whether the scenario failed as it should.
# The switch is named, not patched in: every node and gateway the harness starts inherits
# ZKVIZ_UNSAFE_DISABLE=<names> and ZKVIZ_UNDER_TEST=1 and reads them once at start (the list and
# the rules are in shared/src/safeguards.ts; a process without ZKVIZ_UNDER_TEST refuses to start).
# The test process itself never reads them, so the harness's own ZooKeeper client keeps them all.
# Usage: test/faults/safeguards.sh [name...]   (needs `npm run build` first)
# Prints one line per run: name | scenario | FAILED-AS-EXPECTED | why, or PASSED (safeguard not covered).
set -u
cd "$(dirname "$0")/../.."
OUT=$(mktemp -d /tmp/zkviz-safeguards-XXXX)
trap 'rm -rf "$OUT"' EXIT

# A misspelt switch would make every node refuse to start, and the scenario "fail as expected":
# check the names with the same parser the processes use before running anything.
check_names() {
  ZKVIZ_UNSAFE_DISABLE="$1" ZKVIZ_UNDER_TEST=1 node --input-type=module -e "
    import { parseSafeguardSwitches } from '@zkviz/shared';
    try { parseSafeguardSwitches(process.env); } catch (err) { console.error(err.message); process.exit(1); }" || exit 2
}

# A run that failed before the fault was even made (a process too slow to start on a loaded
# machine) proves nothing: it is retried, and reported INCONCLUSIVE if it never gets that far.
STARTUP_FAILURE='waiting for event "listening"|inspector: no ZooKeeper session'

run() { # <safeguard name> <switches> <test file> <name pattern>
  local name=$1 switches=$2 file=$3 pattern=$4 attempt rc why
  check_names "$switches"
  for attempt in 1 2 3; do
    ZKVIZ_UNSAFE_DISABLE="$switches" ZKVIZ_UNDER_TEST=1 \
    ZKVIZ_FAULTS_GUARD_MS=${ZKVIZ_FAULTS_GUARD_MS:-20000} ZKVIZ_FAULTS_TAILS=0 \
      timeout 300 node --import tsx --test --test-force-exit --test-concurrency=1 --test-name-pattern "$pattern" "$file" > "$OUT/out.log" 2>&1
    rc=$?
    cp "$OUT/out.log" "/tmp/zkviz-safeguard-$name-$pattern.log"  # kept for a closer look
    why=$(grep -m1 -A2 "^  error:" "$OUT/out.log" | sed 's/^ *//' | tr '\n' ' ' | cut -c1-220)
    [ $rc -ne 0 ] && grep -m1 -A2 "^  error:" "$OUT/out.log" | grep -Eq "$STARTUP_FAILURE" && continue
    break
  done
  if grep -q "^# tests 0" "$OUT/out.log"; then echo "$name | $pattern | NO TEST MATCHED"
  elif [ $rc -ne 0 ] && echo "$why" | grep -Eq "$STARTUP_FAILURE"; then echo "$name | $pattern | INCONCLUSIVE (never got past start-up, 3 tries) | $why"
  elif [ $rc -ne 0 ]; then echo "$name | $pattern | FAILED-AS-EXPECTED | $why"
  else echo "$name | $pattern | PASSED (safeguard not covered)"; fi
  [ -n "${SHOW:-}" ] && grep -A12 "^  error:" "$OUT/out.log" | head -14
  return 0
}

SELECTED=("$@")
sel() { [ ${#SELECTED[@]} -eq 0 ] && return 0; for w in "${SELECTED[@]}"; do [ "$w" = "$1" ] && return 0; done; return 1; }

if sel stop-acting-on-suspended; then for sc in F5 F6 F7; do run stop-acting-on-suspended stop-acting-on-suspended test/faults/partitions.test.ts $sc; done; fi
if sel local-expiry-timer; then run local-expiry-timer local-expiry-timer test/faults/partitions.test.ts F7; fi
# F15 sends a request on a reset socket: the addon then never delivers CONNECTING (F6's resets
# always do deliver it, so F6 cannot catch the poll's absence).
if sel state-poll; then for i in 1 2; do run state-poll state-poll test/faults/silent-disconnect.test.ts F15; done; fi
# Our znode is recognised only by the name a create reply gave us, never by our prefix.
if sel protected-create-adoption; then run protected-create-adoption protected-create-adoption test/faults/races.test.ts F10; fi
if sel watch-nonode-redecide; then run watch-nonode-redecide watch-nonode-redecide test/faults/races.test.ts F4; fi
if sel predecessor-deleted-redecide; then for sc in F3 F1; do run predecessor-deleted-redecide predecessor-deleted-redecide test/faults/leader-loss.test.ts $sc; done; fi
if sel ownership-check; then run ownership-check ownership-check test/faults/ownership.test.ts F14; fi
# A create answered ZNONODE (parent gone) re-creates the parents, and so does a list answered ZNONODE.
if sel parents-recreated; then run parents-recreated parents-recreated test/faults/zookeeper.test.ts F8b; fi
# F2 only: in F13 a node that neither deletes nor closes still exits (its shutdown is bounded at
# 2 s) and its session expires before the final settle, so F13 cannot tell.
if sel graceful-delete; then run graceful-delete graceful-delete test/faults/leader-loss.test.ts F2; fi
# Expected to PASS: a stop that does not wait closes the session at once, and the driver runs that
# close after the create in flight (one queue; ZooKeeper applies a session's requests in order),
# so ZooKeeper deletes the new ephemeral znode itself at the same moment the explicit delete would
# have. No invariant can see the difference (see README, Correctness).
if sel stop-waits-for-create; then run stop-waits-for-create stop-waits-for-create test/faults/lifecycle.test.ts F13; fi
# All of the gateway's fencing: the tracker's three rules and the stream drop.
# F11b only: in F11 the resumed leader's own freeze check keeps it silent, so the gateway never
# gets a line it would have to fence (F11 catches the freeze detector instead).
if sel gateway-fencing; then run gateway-fencing gateway-fencing,gateway-drop-stream test/faults/stale-leader.test.ts F11b; fi
# The stream drop alone (the tracker's rules still reject the rogue's messages).
if sel gateway-drop-stream; then run gateway-drop-stream gateway-drop-stream test/faults/stale-leader.test.ts F11b; fi
if sel freeze-detector; then for i in 1 2 3; do run freeze-detector freeze-detector test/faults/freeze.test.ts F11; done; fi
