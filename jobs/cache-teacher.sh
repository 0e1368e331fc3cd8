#!/usr/bin/env bash
# Runs the cache-teacher stage; arguments pass through (see `jobs/distill4j cache-teacher --help`).
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/distill4j" cache-teacher "$@"
