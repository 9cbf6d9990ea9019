#!/usr/bin/env bash
# Generates the Python contracts (messages, .pyi stubs, gRPC stubs) from protos/postloan into
# the directory given (default protos/python). Deterministic: same protos, same bytes.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$(realpath -m "${1:-$here/python}")"
python="${PYTHON:-$here/../.venv/bin/python}"
# Absolute, but not symlink-resolved: a venv's python must stay the venv's.
python="$(cd "$(dirname "$python")" && pwd)/$(basename "$python")"
rm -rf "$out/postloan"
mkdir -p "$out"
cd "$here"
mapfile -t files < <(find postloan -name '*.proto' | LC_ALL=C sort)
"$python" -m grpc_tools.protoc -I . \
  --python_out="$out" --pyi_out="$out" --grpc_python_out="$out" "${files[@]}"
# protoc writes no __init__.py; regular packages make imports and type checkers behave.
find "$out/postloan" -type d -exec touch {}/__init__.py \;
