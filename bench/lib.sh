# Shared by bench/run and bench/scale (sourced, not run): tools, the release build, a
# throwaway PostgreSQL, and Sigil instances on SQLite or PostgreSQL.
#
# PostgreSQL: with DATABASE_URL=postgres://… an existing server is used (each instance
# gets a fresh database in it, dropped at the end: the role needs CREATEDB); otherwise a
# throwaway cluster is started (initdb + pg_ctl, as the postgres user when root) with
# PostgreSQL's defaults for durability (fsync=on, synchronous_commit=on,
# full_page_writes=on), max_connections=200, shared_buffers=128MB; PG_OPTS adds settings
# (e.g. PG_OPTS="-c synchronous_commit=off").

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
need_deb() { # need_deb COMMAND PACKAGE
  command -v "$1" >/dev/null || { $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null; }
}
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for() { for _ in $(seq 600); do curl -fsS "$1" >/dev/null 2>&1 && return 0; sleep 0.05; done; echo "not up: $1" >&2; return 1; }
json() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }

SIGIL=${CARGO_TARGET_DIR:-target}/release/sigil
FLOOD=${CARGO_TARGET_DIR:-target}/release/examples/flood
build_sigil() {
  # NO_BUILD=1: the binaries already in the target directory (e.g. to compare two
  # configurations of one build without waiting for cargo).
  if [ -n "${NO_BUILD:-}" ]; then echo "== NO_BUILD: using $SIGIL as built"; return 0; fi
  echo "== building Sigil and the load generator (release)"
  cargo build --release --locked -q --bin sigil
  [ -z "${1:-}" ] || cargo build --release --locked -q --example flood
}

work=$(mktemp -d /tmp/sigil-bench.XXXXXX)
pids=()
pg_dir="" pg_bin="" pg_admin="" pg_dbs=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  for db in "${pg_dbs[@]}"; do psql -X -q "$pg_admin" -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true; done
  if [ -n "$pg_dir" ]; then
    as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$pg_dir"
  fi
  rm -rf "$work"
}
trap cleanup EXIT

as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# Sets pg_admin: the URL of a server in which instances make their databases.
postgres_up() {
  [ -z "$pg_admin" ] || return 0
  need_deb psql postgresql-client
  if [[ "${DATABASE_URL:-}" == postgres* ]]; then
    pg_admin=$DATABASE_URL
    echo "== PostgreSQL: the server of DATABASE_URL ($(psql -X -At "$pg_admin" -c 'SHOW server_version'))"
    return 0
  fi
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$pg_bin" ]; then
    need_deb initdb postgresql
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  pg_dir=$(mktemp -d /tmp/sigil-bench-pg.XXXXXX)
  [ "$(id -u)" -ne 0 ] || chown postgres "$pg_dir"
  local port
  port=$(free_port)
  as_pg "$pg_bin/initdb" -D "$pg_dir/data" -A trust -U postgres -E UTF8 --no-instructions >/dev/null
  as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w start -o \
    "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$pg_dir -c max_connections=200 ${PG_OPTS:-}" >/dev/null
  pg_admin="postgres://postgres@127.0.0.1:$port/postgres"
  echo "== PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}'): a throwaway cluster on 127.0.0.1:$port ($(psql -X -At "$pg_admin" -c "SELECT string_agg(name || '=' || current_setting(name), ', ' ORDER BY name) FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'shared_buffers', 'max_connections')"))"
}

# new_instance ENGINE NAME: a data directory (and a database on PostgreSQL) for a fresh
# Sigil; sets inst (its directory), db_target (file or URL) and the environment.
new_instance() {
  local engine=$1 name=$2
  inst="$work/$name"
  mkdir -p "$inst"
  sigil_port=$(free_port)
  export SIGIL_DATA_DIR="$inst/data" SIGIL_LISTEN="127.0.0.1:$sigil_port" RUST_LOG=${RUST_LOG:-warn}
  unset SIGIL_PUBLIC_URL
  base="http://127.0.0.1:$sigil_port"
  if [ "$engine" = postgres ]; then
    postgres_up
    local db="sigil_bench_${name//[^a-z0-9]/_}_$$"
    psql -X -q "$pg_admin" -c "CREATE DATABASE $db" >/dev/null
    pg_dbs+=("$db")
    export DATABASE_URL="${pg_admin%/*}/$db"
    db_target=$DATABASE_URL
  else
    export DATABASE_URL="sqlite://$SIGIL_DATA_DIR/sigil.db"
    db_target="$SIGIL_DATA_DIR/sigil.db"
  fi
  mkdir -p "$SIGIL_DATA_DIR"
  $SIGIL migrate >/dev/null 2>>"$inst/sigil.log"
}

# Creates the web application (code flow, refresh) and the service (client_credentials)
# with signing algorithm ALG; exports WEB_ID, WEB_SECRET, SVC_ID, SVC_SECRET.
make_apps() {
  local web svc
  web=$($SIGIL app create --name Web --type web --redirect-uri https://rp.example/callback --scopes "openid profile email offline_access" --signing-alg "${ALG:-EdDSA}" 2>>"$inst/sigil.log")
  svc=$($SIGIL app create --name Service --type service --signing-alg "${ALG:-EdDSA}" 2>>"$inst/sigil.log")
  WEB_ID=$(json client_id <<<"$web"); WEB_SECRET=$(json client_secret <<<"$web")
  SVC_ID=$(json client_id <<<"$svc"); SVC_SECRET=$(json client_secret <<<"$svc")
  export WEB_ID WEB_SECRET SVC_ID SVC_SECRET
}

sigil_start() {
  $SIGIL >>"$inst/sigil.log" 2>&1 &
  sigil_pid=$!
  pids+=("$sigil_pid")
  wait_for "$base/healthz"
}

sigil_stop() {
  kill -TERM "$sigil_pid" 2>/dev/null || true
  wait "$sigil_pid" 2>/dev/null || true
}

# Sizes of the database and its WAL, as one line (SQLite: the files; PostgreSQL:
# pg_database_size and the cluster's WAL directory).
sizes_cmd() {
  if [[ "$db_target" == postgres* ]]; then
    echo "psql -X -At '$db_target' -c \"SELECT 'db ' || round(pg_database_size(current_database()) / 1048576.0, 1) || ' MiB, WAL ' || round((SELECT sum(size) FROM pg_ls_waldir()) / 1048576.0, 1) || ' MiB'\""
  else
    echo "for f in '$db_target' '$db_target-wal'; do stat -c %s \"\$f\" 2>/dev/null || echo 0; done | awk 'NR==1 {d=\$1} NR==2 {w=\$1} END {printf \"db %.1f MiB, WAL %.1f MiB\", d/1048576, w/1048576}'"
  fi
}

# result FILE ENGINE SIZE < flood output: prints the output and keeps its RESULT lines.
keep() {
  local file=$1; shift
  while IFS= read -r line; do
    if [[ "$line" == RESULT* ]]; then echo "$* ${line#RESULT }" >>"$file"; else echo "   $line"; fi
  done
}
