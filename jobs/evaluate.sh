#!/usr/bin/env bash
# Runs the evaluate stage; arguments pass through (see `jobs/distill4j evaluate --help`).
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/distill4j" evaluate "$@"
