#!/usr/bin/env bash
# The compose stage (`make compose-test`): the stack as its users run it, for real, with
# whatever container engine is here (`docker compose`, or `docker-compose`). It builds the
# images, starts the stack, checks it from outside (tests/stack: start order, GSOMIA's
# status, a write with a token made by the CLI, the replica profile's standby serving reads,
# PostgreSQL stopped and restarted, the scale profile's two servers behind nginx), runs
# the example integration tests (tests/compose) against it, with the API's today fixed
# (PACT_TODAY) and ./fixtures imported, and the whole suite in its tests container, then
# removes it all (down -v), whatever happened.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/retry.sh

if docker compose version >/dev/null 2>&1; then compose=(docker compose); else compose=(docker-compose); fi
pytest=${PYTEST:-.venv/bin/pytest}
export COMPOSE_PROJECT_NAME=${COMPOSE_PROJECT_NAME:-pact-compose-test}
# The example integration tests expect the API's today fixed at this day.
export PACT_TODAY=${PACT_TODAY:-2024-06-01}
base_url=http://127.0.0.1:8000

stage() { printf '\n=== %s (%d s in)\n' "$*" "$SECONDS"; }

finish() {
    local status=$?
    [ "$status" = 0 ] || "${compose[@]}" --profile test --profile replica --profile scale logs --no-color --tail 100 || true
    stage "down -v"
    "${compose[@]}" --profile test --profile replica --profile scale down --volumes --remove-orphans >/dev/null 2>&1 || true
    stage "compose stage $([ "$status" = 0 ] && echo passed || echo failed)"
    exit "$status"
}
trap finish EXIT

stage "build"
retry "${compose[@]}" --profile test build --quiet

stage "up: postgres healthy, then migrate completed, then the api"
"${compose[@]}" up --detach
api=$("${compose[@]}" ps -q api)
health() { docker inspect --format '{{.State.Health.Status}}' "$api"; }
for _ in $(seq 120); do
    [ "$(health)" = healthy ] && break
    sleep 1
done
[ "$(health)" = healthy ] || { echo "the api is $(health) after 120 s" >&2; exit 1; }

stage "the stack from outside (tests/stack)"
COMPOSE="${compose[*]}" PACT_BASE_URL=$base_url "$pytest" -p no:cacheprovider \
    tests/stack/test_documented.py tests/stack/test_smoke.py tests/stack/test_restart.py

stage "the replica profile: a hot standby of postgres, which the api reads from"
"${compose[@]}" --profile replica up --detach replica
COMPOSE="${compose[*]}" PACT_BASE_URL=$base_url "$pytest" -p no:cacheprovider tests/stack/test_replica.py

stage "the scale profile: two API servers behind nginx, which balances them and caches"
"${compose[@]}" --profile scale --profile replica up --detach api-2 front
COMPOSE="${compose[*]} --profile scale --profile replica" PACT_BASE_URL=http://127.0.0.1:8080 "$pytest" \
    -p no:cacheprovider tests/stack/test_scale.py
"${compose[@]}" --profile scale stop front api-2

stage "the example integration tests (tests/compose)"
PACT_TOKEN=$("${compose[@]}" run --rm -T migrate pact-chronology token create --name "example-$RANDOM" | tail -n 1)
PACT_TOKEN=$PACT_TOKEN PACT_BASE_URL=$base_url "$pytest" -p no:cacheprovider tests/compose

stage "the whole suite in the tests container"
"${compose[@]}" --profile test run --rm tests
