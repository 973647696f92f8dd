#!/usr/bin/env bash
# The authentication benchmark: builds Release, starts the server (SQLite; PostgreSQL too when
# AKUA_BENCH_POSTGRES or --postgres names a server), makes credentials through the public API, drives
# each scenario with wrk over loopback for a fixed time, and prints one table per engine.
#   bench/run.sh [--seconds N] [--postgres "Host=...;Username=..."] [--check]
# Needs wrk (apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "bench: wrk is not installed (apt-get install wrk)" >&2; exit 2; }
# The server as it would be deployed: Release, ReadyToRun (precompiled: start-up ~1.1 s instead of ~1.8 s).
dotnet publish src/WebApi -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
  -o artifacts/bench/server -v quiet -nologo >/dev/null
# The peer (stock ASP.NET Core JwtBearer, ES256), published the same way.
dotnet publish bench/Akua.Bench.Peer -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
  -o artifacts/bench/peer -v quiet -nologo >/dev/null
dotnet build -c Release bench/Akua.Bench -v quiet -nologo >/dev/null
AKUA_BENCH_SERVER="$PWD/artifacts/bench/server/Akua.WebApi.dll" AKUA_BENCH_PEER="$PWD/artifacts/bench/peer/Akua.Bench.Peer.dll" \
  exec dotnet bench/Akua.Bench/bin/Release/net10.0/Akua.Bench.dll "$@"
