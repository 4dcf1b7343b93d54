#!/usr/bin/env bash
# CI entry of the multi-node test: a streaming replica of the local PostgreSQL (replica.sh), the
# test (multinode.ts), then the replica dropped again whatever the outcome.
set -euo pipefail
cd "$(dirname "$0")/../.."
trap 'test/multinode/replica.sh down' EXIT
test/multinode/replica.sh up
node --import tsx test/multinode/multinode.ts
