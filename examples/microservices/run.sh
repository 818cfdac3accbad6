#!/usr/bin/env bash
# The microservices example in one command: a Strata node (or the one given by STRATA_BOOTSTRAP_SERVER and
# STRATA_SCHEMA_REGISTRY_URL), two billing instances (Java, group `billing`), the email service (JavaScript, group
# `email`) and the profile service (Java), which registers the schema's versions and publishes the events.
# Prints what each service does, then a summary; stops everything it started on exit. See README.md.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STRATA_HOME="$(cd "$HERE/../.." && pwd)"
# shellcheck source=../../bin/find-java.sh
. "$STRATA_HOME/bin/find-java.sh"
strata_find_java || exit 1
JAVA="$STRATA_JAVA_HOME/bin/java"
TIMEOUT="${EXAMPLE_TIMEOUT_SECONDS:-60}"
EVENTS=12 # ProfileService publishes 6 users x (a v1 sign-up, a v2 plan change)

WORK="$(mktemp -d "${TMPDIR:-/tmp}/strata-example.XXXXXX")"
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

START=$SECONDS
say() { echo "[run] $*"; }
fail() { echo "[run] FAILED: $*" >&2; for f in "$WORK"/*.log; do echo "--- $f" >&2; tail -n 20 "$f" >&2; done; exit 1; }
# wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.2 s until it succeeds.
wait_for() {
  local deadline=$((SECONDS + $1)) what="$2"; shift 2
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || fail "timed out waiting for $what"
    sleep 0.2
  done
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# 1. The distribution (bin/strata builds it when it is missing or stale), and the services compiled against it.
if [ "${STRATA_SKIP_BUILD:-}" != "1" ] || [ ! -f "$STRATA_HOME/strata-cli/target/strata.jar" ]; then
  "$STRATA_HOME/bin/strata" --version >/dev/null
fi
LIB="$STRATA_HOME/strata-cli/target/lib/*"

# The email service's modules: its own node_modules (npm ci), EMAIL_NODE_MODULES, or strata-it's pinned copy.
NODE_MODULES="${EMAIL_NODE_MODULES:-}"
if [ -z "$NODE_MODULES" ]; then
  for candidate in "$HERE/email/node_modules" "$STRATA_HOME/strata-it/target/compat/kafkajs/node_modules"; do
    if [ -f "$candidate/@kafkajs/confluent-schema-registry/package.json" ]; then NODE_MODULES="$candidate"; break; fi
  done
fi
if [ -z "$NODE_MODULES" ]; then
  say "installing the email service's modules (npm ci in $HERE/email)"
  (cd "$HERE/email" && npm ci --no-audit --no-fund --silent)
  NODE_MODULES="$HERE/email/node_modules"
fi

# 2. Strata: the node given by the environment, or a new one on a temporary directory and free ports.
if [ -n "${STRATA_BOOTSTRAP_SERVER:-}" ] && [ -n "${STRATA_SCHEMA_REGISTRY_URL:-}" ]; then
  BOOTSTRAP="$STRATA_BOOTSTRAP_SERVER"
  REGISTRY="$STRATA_SCHEMA_REGISTRY_URL"
  say "using the Strata node at $BOOTSTRAP (registry $REGISTRY)"
else
  KAFKA_PORT="$(free_port)"; CONTROLLER_PORT="$(free_port)"; HTTP_PORT="$(free_port)"
  BOOTSTRAP="127.0.0.1:$KAFKA_PORT"
  REGISTRY="http://127.0.0.1:$HTTP_PORT/schema-registry"
  say "starting Strata on $BOOTSTRAP (registry $REGISTRY, data in $WORK/data)"
  STRATA_HEAP_OPTS="${STRATA_HEAP_OPTS:--Xmx512m}" STRATA_SKIP_BUILD=1 "$STRATA_HOME/bin/strata" server \
    --override node.id=1 --override process.roles=broker,controller \
    --override "listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT" \
    --override "controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT" \
    --override "http.listeners=HTTP://127.0.0.1:$HTTP_PORT" \
    --override "log.dirs=$WORK/data" >"$WORK/strata.log" 2>&1 &
  PIDS+=($!)
fi
# Compiled while the node starts.
"$STRATA_JAVA_HOME/bin/javac" -nowarn -d "$WORK/classes" -cp "$LIB" \
  "$HERE/profile/ProfileService.java" "$HERE/billing/BillingService.java"
if [ -f "$WORK/strata.log" ]; then
  wait_for "$TIMEOUT" "Strata to start (see $WORK/strata.log)" grep -q "started in" "$WORK/strata.log"
  say "Strata is up after $((SECONDS - START)) s"
fi

# 3. The profile service creates the topic and waits; the consumers start once the topic exists (a consumer
#    subscribing to a missing topic would have it auto-created with one partition).
SERVICE_JVM=(-Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dlogback.configurationFile="$HERE/logback.xml"
  -cp "$WORK/classes:$LIB")
"$JAVA" "${SERVICE_JVM[@]}" ProfileService "$BOOTSTRAP" "$REGISTRY" "$HERE/schemas" "$WORK/go" \
  > >(tee "$WORK/profile.log") 2>&1 &
PROFILE=$!
PIDS+=($PROFILE)
wait_for "$TIMEOUT" "the profile service to set the topic up" grep -qs "compatibility of" "$WORK/profile.log"
# Each service prints to the terminal and to its log, which this script reads to know how far things are.
"$JAVA" "${SERVICE_JVM[@]}" BillingService billing-1 "$BOOTSTRAP" "$REGISTRY" "$HERE/schemas" \
  > >(tee "$WORK/billing-1.log") 2>&1 &
PIDS+=($!)
"$JAVA" "${SERVICE_JVM[@]}" BillingService billing-2 "$BOOTSTRAP" "$REGISTRY" "$HERE/schemas" \
  > >(tee "$WORK/billing-2.log") 2>&1 &
PIDS+=($!)
NODE_PATH="$NODE_MODULES" node "$HERE/email/email-service.js" "$BOOTSTRAP" "$REGISTRY" > >(tee "$WORK/email.log") 2>&1 &
PIDS+=($!)

# Wait for billing's two instances to share the partitions and for the email group to have them all.
latest_assignment() { grep -s "assigned partitions" "$1" | tail -n 1 | sed 's/.*assigned partitions //'; }
billing_shares() {
  local a b
  a="$(latest_assignment "$WORK/billing-1.log")"; b="$(latest_assignment "$WORK/billing-2.log")"
  [ -n "$a" ] && [ "$a" != "[]" ] && [ -n "$b" ] && [ "$b" != "[]" ] \
    && [ "$(echo "$a $b" | tr -dc '0-9' | wc -c)" -eq 3 ]
}
email_assigned() { grep -qs "assigned partitions \[0, 1, 2\]" "$WORK/email.log"; }
wait_for "$TIMEOUT" "billing's two instances to share the partitions" billing_shares
wait_for "$TIMEOUT" "the email group to be assigned" email_assigned

# 4. The profile service publishes v1 events, has a bad v2 refused, registers v2 and publishes v2 events.
touch "$WORK/go"
wait "$PROFILE" || fail "the profile service failed"
forget() { local keep=() pid; for pid in "${PIDS[@]}"; do [ "$pid" = "$1" ] || keep+=("$pid"); done; PIDS=("${keep[@]}"); }
forget "$PROFILE" # it has exited: its id may be reused

consumed() { grep -c " event=" "$@" 2>/dev/null | awk -F: '{ n += $NF } END { print n + 0 }'; }
billing_done() { [ "$(consumed "$WORK/billing-1.log" "$WORK/billing-2.log")" -ge "$EVENTS" ]; }
email_done() { [ "$(consumed "$WORK/email.log")" -ge "$EVENTS" ]; }
wait_for "$TIMEOUT" "billing to consume all $EVENTS events" billing_done
wait_for "$TIMEOUT" "email to consume all $EVENTS events" email_done

# 5. The summary.
echo
say "summary"
for s in billing-1 billing-2; do
  say "  $s: partitions $(latest_assignment "$WORK/$s.log"), $(consumed "$WORK/$s.log") events" \
    "($(grep -c 'written-with=v1' "$WORK/$s.log" || true) written with v1, read with v2's default plan)"
done
distinct="$(grep -h " event=" "$WORK/billing-1.log" "$WORK/billing-2.log" \
  | grep -o 'partition=[0-9]* offset=[0-9]*' | sort -u | wc -l)"
say "  billing group: $(consumed "$WORK/billing-1.log" "$WORK/billing-2.log") events, $distinct distinct," \
  "of $EVENTS published"
say "  email group: $(consumed "$WORK/email.log") events of $EVENTS published"
say "  done in $((SECONDS - START)) s"
say "  versions of user-events-value: $(curl -s "$REGISTRY/subjects/user-events-value/versions" || echo '?')"
