#!/usr/bin/env bash
# The path a user takes, on the packages this repository makes (run by .ci/run after the build):
#   pack everything into a temporary feed; install the actor-runner tool into a temporary tool path; create a
#   scenario from the dotnet new template, build it and run its example test; publish the node self-contained for
#   linux-x64; run the scenario with the installed tool, one node started by the tool and one from the
#   self-contained publish, to a verified verdict.
# Prints one line per check ("check <name>: ok" or "check <name>: FAILED ...") and, last, "N passed, N failed".
# Usage: bash .ci/packages.sh [CONFIGURATION]   (default Debug: packs the build .ci/run just made, without rebuilding)
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
configuration=${1:-Debug}

work=$(mktemp -d /tmp/actor-runner-packages.XXXXXX)
feed="$work/feed"
tools="$work/tools"
log="$repo/.ci/out/packages.log"
mkdir -p "$feed" "$(dirname "$log")"
: >"$log"
# The packages of this run are version 0.1.0 like every earlier run's: keep no earlier copy in the package cache
# (the user's, also when DOTNET_CLI_HOME moves below: the runtime packs and test packages come from there).
packages_cache=${NUGET_PACKAGES:-$HOME/.nuget/packages}
export NUGET_PACKAGES="$packages_cache"
# Templates and tool manifests of this run stay in the temporary folder, not in the user's home.
export DOTNET_CLI_HOME="$work/home" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1
rm -rf "$packages_cache/actor-runner" "$packages_cache/actorrunner.scenarios.contract" "$packages_cache/actorrunner.templates"

node_pid=""
run_pid=""
cleanup() {
  for pid in $node_pid $run_pid; do kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$work"
  rm -rf "$packages_cache/actor-runner" "$packages_cache/actorrunner.scenarios.contract" "$packages_cache/actorrunner.templates"
}
trap cleanup EXIT

passed=0
failed=0
skip_rest=""
check() { # check NAME COMMAND...: runs it (output to the log), counts it
  local name=$1; shift
  if [ -n "$skip_rest" ]; then echo "check $name: FAILED (not run: $skip_rest failed)"; failed=$((failed + 1)); return 1; fi
  echo "== $name: $*" >>"$log"
  if "$@" >>"$log" 2>&1; then
    echo "check $name: ok"; passed=$((passed + 1)); return 0
  fi
  echo "check $name: FAILED (see .ci/out/packages.log)"; failed=$((failed + 1)); return 1
}

pack() {
  timeout 900 dotnet pack ActorRunner.sln -c "$configuration" --no-build -o "$feed" \
    && ls "$feed"/actor-runner.*.nupkg "$feed"/ActorRunner.Scenarios.Contract.*.nupkg "$feed"/ActorRunner.Templates.*.nupkg
}
check pack pack || skip_rest="pack"

install_tool() {
  timeout 300 dotnet tool install actor-runner --tool-path "$tools" --add-source "$feed" \
    && timeout 60 "$tools/actor-runner" --help | grep -q "node"
}
check tool-install install_tool || skip_rest=${skip_rest:-tool-install}

new_scenario() {
  timeout 300 dotnet new install "$feed"/ActorRunner.Templates.*.nupkg \
    && timeout 300 dotnet new actor-runner-scenario -n CiScenario -o "$work/scenario" \
    && cat >"$work/scenario/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="actor-runner" value="$feed" />
  </packageSources>
</configuration>
EOF
}
check template-new new_scenario || skip_rest=${skip_rest:-template-new}

# Builds the scenario and its test project against the contract package from the feed, and runs the example test.
check scenario-test timeout 900 dotnet test "$work/scenario/CiScenario.Tests" || skip_rest=${skip_rest:-scenario-test}

# The node for a bare machine: self-contained, so the folder carries the runtime (the node machine needs none).
publish_node() {
  timeout 1200 dotnet publish src/TaskNode -c "$configuration" -r linux-x64 --self-contained -o "$work/node" \
    && [ -x "$work/node/ActorRunner.TaskNode" ] && [ -f "$work/node/libcoreclr.so" ] \
    && grep -q '"includedFrameworks"' "$work/node/ActorRunner.TaskNode.runtimeconfig.json"
}
check node-self-contained publish_node || skip_rest=${skip_rest:-node-self-contained}

# The scenario run by the installed tool: one node it starts itself, one started from the self-contained folder
# (moved elsewhere first: the folder is all it needs) that joins by the address the tool prints.
run_installed() {
  mv "$work/node" "$work/bare-machine"
  local out="$work/run.out"
  "$tools/actor-runner" --nodes 1 --remote-nodes 1 --tasks 20 --token ci-packages --set join-timeout=60s \
    --scenario "CiScenario.SharedCounter, CiScenario" \
    --scenario-assembly "$work/scenario/CiScenario/bin/Debug/net10.0/CiScenario.dll" --out "$work/runs" >"$out" 2>&1 &
  run_pid=$!
  local address=""
  for _ in $(seq 1 600); do
    address=$(sed -n 's/^orchestrator at \(akka[^;]*\);.*/\1/p' "$out")
    [ -n "$address" ] && break
    kill -0 "$run_pid" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$address" ] || { cat "$out"; return 1; }
  env -u DOTNET_ROOT "$work/bare-machine/ActorRunner.TaskNode" --orchestrator "$address" --token ci-packages \
    --node-id bare-machine --join-timeout 60s >"$work/node.out" 2>&1 &
  node_pid=$!
  local rc=0
  timeout 300 tail --pid="$run_pid" -f /dev/null || { rc=1; kill "$run_pid" 2>/dev/null; }
  wait "$run_pid" || rc=1
  run_pid=""
  timeout 30 tail --pid="$node_pid" -f /dev/null || kill "$node_pid" 2>/dev/null
  wait "$node_pid"
  node_pid=""
  cat "$out"
  [ "$rc" -eq 0 ] && grep -q '^verdict: verified' "$out" \
    && grep -q '"verdict": *"verified"' "$work"/runs/*/report.json && grep -q '"bare-machine"' "$work"/runs/*/report.json
}
check tool-run-verified run_installed

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
