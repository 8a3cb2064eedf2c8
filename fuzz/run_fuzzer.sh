#!/usr/bin/env bash
# Runs one libFuzzer target for a bounded time from a copy of its seed corpus: run_fuzzer.sh BIN CORPUS SECONDS
set -euo pipefail
binary=$1 seeds=$2 seconds=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$seeds"/. "$work"/
# A crash leaves its input in the build's fuzz-artifacts/ folder, to be turned into a unit test.
artifacts="$(dirname "$binary")/fuzz-artifacts/"
mkdir -p "$artifacts"
# A dictionary beside the corpus (fuzz/NAME.dict) steers mutations towards the syntax that matters.
dict=()
name=$(basename "$seeds")
if [[ -f "$(dirname "$seeds")/../$name.dict" ]]; then
  dict=(-dict="$(dirname "$seeds")/../$name.dict")
fi
# libFuzzer exits 77 on a crash by default, which meson reads as "skipped": make every finding a
# failure.
exec "$binary" -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
  -error_exitcode=1 -timeout_exitcode=1 "${dict[@]}" \
  -artifact_prefix="$artifacts" -print_final_stats=1 "$work"
