#!/usr/bin/env bash
# Two throwaway PostgreSQL clusters for the postgres-row-limit tests, each on a free loopback port, in one temporary
# folder: one with room for many sessions (max_connections=300), one with the stock settings a fresh install has
# (max_connections=100, 3 of them reserved for superusers), as most users' servers are.
#   eval "$(bash .ci/postgres.sh start)"   starts them; prints only the three export lines on stdout:
#       ACTOR_RUNNER_POSTGRES         the large server's Npgsql connection string (user postgres, trust authentication)
#       ACTOR_RUNNER_POSTGRES_STOCK   the stock server's
#       ACTOR_RUNNER_POSTGRES_DIR     the clusters' folder
#   bash .ci/postgres.sh stop              stops the clusters in $ACTOR_RUNNER_POSTGRES_DIR and removes the folder.
# Installs Debian's postgresql package when no /usr/lib/postgresql/*/bin/initdb exists. Every wait is bounded.
set -uo pipefail

say() { echo "postgres.sh: $*" >&2; }

# The newest installed server's bin folder (sort -V: 10 after 9), or nothing.
pg_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | while read -r bin; do
    if [ -x "$bin/initdb" ]; then echo "$bin"; fi
  done | tail -n 1
}

# Runs a command as the cluster's owner: initdb and postgres refuse to run as root.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    if command -v runuser >/dev/null 2>&1; then
      runuser -u postgres -- "$@"
    else
      su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
    fi
  else
    "$@"
  fi
}

free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' && return
  fi
  local port
  for port in $(seq 55432 55631); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  return 1
}

start() {
  local bin
  bin="$(pg_bin)"
  if [ -z "$bin" ]; then
    say "no PostgreSQL server found: installing Debian's postgresql package"
    if ! { timeout 300 apt-get update -qq >&2 \
           && DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq --no-install-recommends postgresql >&2; }; then
      say "could not install postgresql with apt-get (no root, no network or no apt?): no server for the tests"
      exit 1
    fi
    bin="$(pg_bin)"
    if [ -z "$bin" ]; then
      say "postgresql was installed but /usr/lib/postgresql/*/bin/initdb is still missing"
      exit 1
    fi
  fi

  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    say "running as root but there is no user postgres to own the cluster (initdb refuses root)"
    exit 1
  fi

  local dir
  dir="$(mktemp -d /tmp/actor-runner-pg.XXXXXX)" || { say "mktemp -d failed"; exit 1; }
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
  echo "$bin" >"$dir/bin"

  if ! as_owner timeout 120 "$bin/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=trust \
         -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1; then
    say "initdb failed:"
    tail -n 20 "$dir/initdb.log" >&2
    rm -rf "$dir"
    exit 1
  fi

  # The stock cluster is a copy of the fresh one, started without overrides.
  if ! as_owner cp -a "$dir/data" "$dir/data-stock"; then
    say "could not copy the cluster for the stock server"
    rm -rf "$dir"
    exit 1
  fi

  local large stock
  if ! large="$(serve "$bin" "$dir" data "-c max_connections=300")"; then rm -rf "$dir"; exit 1; fi
  if ! stock="$(serve "$bin" "$dir" data-stock "")"; then
    as_owner timeout 60 "$bin/pg_ctl" -D "$dir/data" stop -m immediate -w -t 30 >&2
    rm -rf "$dir"
    exit 1
  fi
  echo "export ACTOR_RUNNER_POSTGRES='Host=127.0.0.1;Port=$large;Username=postgres;Database=postgres'"
  echo "export ACTOR_RUNNER_POSTGRES_STOCK='Host=127.0.0.1;Port=$stock;Username=postgres;Database=postgres'"
  echo "export ACTOR_RUNNER_POSTGRES_DIR='$dir'"
}

# Starts the cluster in $dir/$data on a free port with these extra server options; prints the port.
serve() {
  local bin="$1" dir="$2" data="$3" options="$4" port attempt
  for attempt in 1 2 3; do
    port="$(free_port)" || { say "no free loopback port found"; return 1; }
    if as_owner timeout 60 "$bin/pg_ctl" -D "$dir/$data" -l "$dir/$data.log" -w -t 30 \
         -o "-p $port -c listen_addresses=127.0.0.1 -k $dir $options" start >&2; then
      if timeout 15 "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -t 10; then
        say "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') ($data, max_connections $(grep -E '^max_connections' "$dir/$data/postgresql.conf" | awk '{print $3}')${options:+, $options}) is up on 127.0.0.1:$port ($dir)"
        echo "$port"
        return 0
      fi
      say "the server started but does not answer on 127.0.0.1:$port"
      as_owner timeout 60 "$bin/pg_ctl" -D "$dir/$data" stop -m immediate -w -t 30 >&2
    else
      say "pg_ctl start of $data on port $port failed (attempt $attempt):"
      tail -n 10 "$dir/$data.log" >&2 2>/dev/null
    fi
  done
  return 1
}

stop() {
  local dir="${ACTOR_RUNNER_POSTGRES_DIR:-}"
  if [ -z "$dir" ]; then say "ACTOR_RUNNER_POSTGRES_DIR is not set: nothing to stop"; exit 1; fi
  if ! [ -f "$dir/bin" ] || ! [ -d "$dir/data" ]; then
    say "$dir is not a cluster folder made by postgres.sh start: left alone"
    exit 1
  fi
  local bin data
  bin="$(cat "$dir/bin")"
  for data in "$dir/data" "$dir/data-stock"; do
    if [ -f "$data/postmaster.pid" ]; then
      if ! as_owner timeout 60 "$bin/pg_ctl" -D "$data" stop -m fast -w -t 30 >&2; then
        say "fast shutdown of $data failed: stopping it immediately"
        as_owner timeout 60 "$bin/pg_ctl" -D "$data" stop -m immediate -w -t 30 >&2
      fi
    fi
    if [ -f "$data/postmaster.pid" ]; then
      local pid
      pid="$(head -n 1 "$data/postmaster.pid")"
      if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        say "the server of $data (pid $pid) is still running: killing it"
        kill -KILL "$pid" 2>/dev/null
      fi
    fi
  done
  rm -rf "$dir"
  say "stopped and removed $dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: bash .ci/postgres.sh start|stop" >&2; exit 2 ;;
esac
