#!/usr/bin/env bash
# Runs the generate-sample stage; arguments pass through (see `jobs/distill4j generate-sample --help`).
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/distill4j" generate-sample "$@"
