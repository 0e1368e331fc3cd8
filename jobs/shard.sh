#!/usr/bin/env bash
# Runs the shard stage; arguments pass through (see `jobs/distill4j shard --help`).
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/distill4j" shard "$@"
