# A PostgreSQL cluster owned by the project: created with initdb, run as the `postgres`
# system user (initdb and postgres refuse root), on a free loopback port.
PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
PG_SERVICES=(identity documents approval reporting)

# Where a cluster can live: under the project if the postgres user can reach it, else /var/tmp.
pg_choose_dir() {
    local name="$1" want="$VAR_DIR/$1"
    if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$VAR_DIR" 2>/dev/null; then
        want="/var/tmp/quality-suite-$(echo "$ROOT" | md5sum | cut -c1-8)/$name"
    fi
    echo "$want"
}

pg_as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# pg_start NAME: creates (once) and starts a cluster; sets PGDIR PGPORT PGHOST ADMIN_URL.
pg_start() {
    local name="$1"
    PGDIR="$(pg_choose_dir "$name")"
    mkdir -p "$PGDIR"
    [ "$(id -u)" -eq 0 ] && chown postgres "$PGDIR"
    if [ ! -f "$PGDIR/data/PG_VERSION" ]; then
        log "initdb $PGDIR/data"
        pg_as_owner "$PG_BIN/initdb" -D "$PGDIR/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
            -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if [ -f "$PGDIR/port" ] && pg_as_owner "$PG_BIN/pg_ctl" -D "$PGDIR/data" status >/dev/null 2>&1; then
        PGPORT="$(cat "$PGDIR/port")"
    else
        PGPORT="${PGPORT_WANTED:-$(free_port)}"
        echo "$PGPORT" > "$PGDIR/port"
        pg_as_owner "$PG_BIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -t 60 \
            -o "-p $PGPORT -k $PGDIR -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=${PG_FSYNC:-on}" start >/dev/null \
            || { tail -20 "$PGDIR/server.log" >&2; die "postgres did not start"; }
    fi
    PGHOST="$PGDIR"
    ADMIN_URL="postgresql://postgres@/postgres?host=$PGDIR&port=$PGPORT"
    export PGDIR PGPORT PGHOST ADMIN_URL
    log "postgres on 127.0.0.1:$PGPORT (cluster $PGDIR/data)"
}

pg_stop() {
    [ -n "${PGDIR:-}" ] && [ -d "$PGDIR/data" ] || return 0
    pg_as_owner "$PG_BIN/pg_ctl" -D "$PGDIR/data" -m fast -w stop >/dev/null 2>&1 || true
}

pg_psql() { psql "$ADMIN_URL" -v ON_ERROR_STOP=1 -qAt "$@"; }

# pg_provision DB: the database, one login role per service owning its schema and nothing
# else; passwords generated once per cluster. Writes $PGDIR/services.env with the URLs.
pg_provision() {
    local db="$1"
    local secrets="$PGDIR/secrets"
    if [ ! -f "$secrets" ]; then
        ( umask 077; for s in "${PG_SERVICES[@]}"; do echo "$s $(head -c 18 /dev/urandom | base64 | tr -d '/+=')"; done > "$secrets" )
    fi
    pg_psql -c "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1 || pg_psql -c "CREATE DATABASE \"$db\""
    local url_admin_db="postgresql://postgres@/$db?host=$PGDIR&port=$PGPORT"
    : > "$PGDIR/services.env.tmp"
    while read -r svc pw; do
        psql "$url_admin_db" -v ON_ERROR_STOP=1 -qAt -v svc="$svc" -v role="${svc}_svc" -v pw="$pw" -v db="$db" \
            -f "$ROOT/scripts/sql/provision.sql" >/dev/null
        echo "$(echo "$svc" | tr a-z A-Z)_DATABASE_URL=postgresql://${svc}_svc:$pw@127.0.0.1:$PGPORT/$db" >> "$PGDIR/services.env.tmp"
    done < "$secrets"
    mv "$PGDIR/services.env.tmp" "$PGDIR/services.env"
}
