# shellcheck shell=bash
# Shell helpers for the compose deployment and its test (sourced by deploy/*.sh and
# scripts/compose-test): a private Docker engine, locally built Debian base images, the image
# build context with the release binaries.
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/scripts/lib/common.sh"
shopt -s inherit_errexit

DEPLOY_DIR="$ROOT/deploy"
DEPLOY_VAR="$VAR_DIR/deploy"
mkdir -p "$DEPLOY_VAR"
# Base images survive fresh clones on the same machine when /var/cache is writable.
if [ -z "${DEPLOY_CACHE:-}" ]; then
    if mkdir -p /var/cache/quality-suite 2>/dev/null && [ -w /var/cache/quality-suite ]; then
        DEPLOY_CACHE=/var/cache/quality-suite
    else
        DEPLOY_CACHE="$DEPLOY_VAR/cache"
    fi
fi
mkdir -p "$DEPLOY_CACHE"
# The image build context (binaries, Swift runtime, resources, portal, scripts).
IMAGE_CONTEXT="${IMAGE_CONTEXT:-$DEPLOY_VAR/context}"
# Debian's engine and client (a newer client elsewhere on PATH may speak another API).
DOCKER="${DOCKER:-/usr/bin/docker}"
[ -x "$DOCKER" ] || DOCKER="$(command -v docker || echo /usr/bin/docker)"
COMPOSE="${COMPOSE:-/usr/bin/docker-compose}"
[ -x "$COMPOSE" ] || COMPOSE="$(command -v docker-compose || echo /usr/bin/docker-compose)"

# The private engine of this checkout (deploy/dockerd.sh, scripts/compose-test): its own
# socket, data root and exec root. Unix socket paths are limited to 108 bytes, so sockets live
# in a short directory under /tmp. Other scripts use whatever DOCKER_HOST says.
ROOT_HASH="$(echo "$ROOT" | md5sum | cut -c1-8)"
DOCKER_RUN_DIR="${DOCKER_RUN_DIR:-/tmp/qsd-$ROOT_HASH}"
DOCKER_DATA_ROOT="${DOCKER_DATA_ROOT:-$DEPLOY_VAR/docker}"
SUITE_DOCKER_HOST="unix://$DOCKER_RUN_DIR/docker.sock"

SUITE_EXECUTABLES=(identity documents approval reporting gateway)
BASE_SUITE=bookworm
RUNTIME_PACKAGES=(libpq5 libcurl4 ca-certificates fonts-wqy-zenhei)
POSTGRES_PACKAGES=(postgresql ca-certificates)

deploy_ensure_tools() {
    ensure_packages docker.io docker-compose debootstrap curl python3
}

# --- the engine --------------------------------------------------------------------------

dockerd_running() {
    [ -S "$DOCKER_RUN_DIR/docker.sock" ] \
        && DOCKER_HOST="$SUITE_DOCKER_HOST" "$DOCKER" version --format '{{.Server.Version}}' >/dev/null 2>&1
}

# dockerd_start [WHO]: starts dockerd with no bridge and no iptables rules: containers use
# the host network (the test binds everything to 127.0.0.1) and builds need no network
# (packages are in the base). WHO is written to $DOCKER_RUN_DIR/started-by.
dockerd_start() {
    if dockerd_running; then log "docker engine already running ($SUITE_DOCKER_HOST)"; return 0; fi
    mkdir -p "$DOCKER_RUN_DIR" "$DOCKER_DATA_ROOT"
    echo '{}' > "$DOCKER_RUN_DIR/daemon.json"
    rm -f "$DOCKER_RUN_DIR/docker.sock"
    echo "${1:-manual}" > "$DOCKER_RUN_DIR/started-by"
    log "starting dockerd (data root $DOCKER_DATA_ROOT, log $DEPLOY_VAR/dockerd.log)"
    setsid dockerd \
        --config-file "$DOCKER_RUN_DIR/daemon.json" \
        -H "$SUITE_DOCKER_HOST" \
        --data-root "$DOCKER_DATA_ROOT" \
        --exec-root "$DOCKER_RUN_DIR/exec" \
        --pidfile "$DOCKER_RUN_DIR/dockerd.pid" \
        --bridge=none --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false \
        --log-level=warn \
        > "$DEPLOY_VAR/dockerd.log" 2>&1 < /dev/null &
    local i
    for i in $(seq 1 120); do
        dockerd_running && { log "dockerd ready (pid $(cat "$DOCKER_RUN_DIR/dockerd.pid"))"; return 0; }
        sleep 0.5
    done
    tail -20 "$DEPLOY_VAR/dockerd.log" >&2
    die "dockerd did not start"
}

# Stops the engine this checkout started (by its pid file), waiting for it to exit.
dockerd_stop() {
    local pidfile="$DOCKER_RUN_DIR/dockerd.pid" pid i
    [ -f "$pidfile" ] || return 0
    pid="$(cat "$pidfile")"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for i in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        if kill -0 "$pid" 2>/dev/null; then
            log "dockerd did not stop in 30 s: killing it"
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    rm -f "$pidfile" "$DOCKER_RUN_DIR/docker.sock" "$DOCKER_RUN_DIR/started-by"
    # Mounts the engine may leave behind under its exec root after an unclean stop.
    awk -v d="$DOCKER_RUN_DIR/" 'index($2, d) == 1 {print $2}' /proc/mounts | sort -r | while read -r m; do
        umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
    done
}

# --- base images -------------------------------------------------------------------------

# The Debian mirror: DEBIAN_MIRROR, else the one this machine's apt uses (deb822 .sources
# files, then one-line .list files), else deb.debian.org.
debian_mirror() {
    if [ -n "${DEBIAN_MIRROR:-}" ]; then echo "$DEBIAN_MIRROR"; return; fi
    local uri
    uri="$(awk '/^URIs:/ {u=$2} /^Suites:/ && u != "" && $0 ~ /bookworm( |$)/ {print u; exit} /^$/ {u=""}' \
        /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -1 || true)"
    if [ -z "$uri" ]; then
        uri="$(grep -hE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
            | awk '$3 ~ /^bookworm$/ {print $2; exit}' || true)"
    fi
    echo "${uri:-http://deb.debian.org/debian}"
}

# base_image_name KIND PACKAGE...: sets BASE_IMAGE_RESULT to the name of that base image,
# quality-suite/base-KIND:bookworm-<key>, the key made of the suite, mirror and packages.
base_image_name() {
    local kind="$1"; shift
    local key; key="$(printf '%s|%s|%s|v1' "$BASE_SUITE" "$(debian_mirror)" "$*" | md5sum | cut -c1-10)"
    BASE_IMAGE_RESULT="quality-suite/base-$kind:$BASE_SUITE-$key"
}

# base_image KIND PACKAGE...: makes sure the engine has that base image: a Debian bookworm
# minbase with these packages, made once with debootstrap and `docker import`; the root file
# system is kept as a tarball in $DEPLOY_CACHE for later runs and fresh clones on the machine.
# Sets BASE_IMAGE_RESULT to the image name.
base_image() {
    local kind="$1"; shift
    base_image_name "$kind" "$@"
    local image="$BASE_IMAGE_RESULT" mirror; mirror="$(debian_mirror)"
    local key="${image##*-}"
    if "$DOCKER" image inspect "$image" >/dev/null 2>&1; then return 0; fi
    local tarball="$DEPLOY_CACHE/base-$kind-$BASE_SUITE-$key.tar.gz"
    (
        flock 9
        if [ ! -s "$tarball" ]; then
            local rootfs="$DEPLOY_VAR/rootfs-$kind"
            rm -rf "$rootfs"
            local packages; packages="$(IFS=,; echo "$*")"
            log "debootstrap --variant=minbase --include=$packages $BASE_SUITE ($mirror)"
            if ! debootstrap --variant=minbase --include="$packages" "$BASE_SUITE" "$rootfs" "$mirror" \
                    > "$DEPLOY_VAR/debootstrap-$kind.log" 2>&1; then
                tail -20 "$DEPLOY_VAR/debootstrap-$kind.log" >&2
                die "debootstrap failed (log: $DEPLOY_VAR/debootstrap-$kind.log)"
            fi
            # Slim it like debian:bookworm-slim: no package caches, lists, manuals or docs.
            rm -rf "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb \
                   "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* \
                   "$rootfs"/usr/share/info/* "$rootfs"/var/log/*.log "$rootfs"/var/log/apt/* \
                   "$rootfs"/var/cache/debconf/*-old "$rootfs"/tmp/* 2>/dev/null || true
            tar --numeric-owner -C "$rootfs" -czf "$tarball.tmp" .
            mv "$tarball.tmp" "$tarball"
            rm -rf "$rootfs"
            log "cached $tarball ($(du -h "$tarball" | cut -f1))"
        fi
    ) 9> "$DEPLOY_CACHE/.lock-$kind" || die "no base image $image"
    "$DOCKER" import \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV LANG=C.UTF-8' \
        --change 'CMD ["bash"]' \
        "$tarball" "$image" >/dev/null
    log "imported $image"
}

# --- the image build context ----------------------------------------------------------------

# stage_context BIN_DIR: copies what the images need into $IMAGE_CONTEXT:
#   runtime/  runtime.Dockerfile, healthcheck, app/ (the five executables, the SwiftPM
#             resource bundles — Bundle.module looks for them next to the executable — the
#             Swift runtime libraries the executables link, the portal files, the OpenAPI file)
#   postgres/ postgres.Dockerfile, its entrypoint, provision.sql
stage_context() {
    local bin="$1"
    rm -rf "$IMAGE_CONTEXT.tmp"
    mkdir -p "$IMAGE_CONTEXT.tmp/runtime/app" "$IMAGE_CONTEXT.tmp/postgres"
    local tmp="$IMAGE_CONTEXT.tmp"
    local exe
    for exe in "${SUITE_EXECUTABLES[@]}"; do
        [ -x "$bin/$exe" ] || die "missing executable $bin/$exe (run deploy/build-binaries.sh)"
        cp "$bin/$exe" "$tmp/runtime/app/"
    done
    cp -r "$bin"/QualitySuite_*.resources "$tmp/runtime/app/"
    # Swift runtime libraries (found through the executables' RUNPATH, which includes $ORIGIN).
    local swift_lib
    swift_lib="$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")/lib/swift/linux"
    for exe in "${SUITE_EXECUTABLES[@]}"; do
        ldd "$bin/$exe" | awk '$2 == "=>" && $3 ~ /^\// {print $3}'
    done | sort -u | while read -r lib; do
        case "$lib" in "$swift_lib"/*) cp -L "$lib" "$tmp/runtime/app/" ;; esac
    done
    if [ -d "$ROOT/Portal" ]; then cp -r "$ROOT/Portal" "$tmp/runtime/app/Portal"; fi
    mkdir -p "$tmp/runtime/app/docs"
    if [ -f "$ROOT/docs/openapi.json" ]; then cp "$ROOT/docs/openapi.json" "$tmp/runtime/app/docs/"; fi
    cp "$DEPLOY_DIR/runtime.Dockerfile" "$DEPLOY_DIR/healthcheck" "$tmp/runtime/"
    cp "$DEPLOY_DIR/postgres.Dockerfile" "$DEPLOY_DIR/postgres-entrypoint" "$tmp/postgres/"
    cp "$ROOT/scripts/sql/provision.sql" "$tmp/postgres/"
    rm -rf "$IMAGE_CONTEXT"
    mv "$tmp" "$IMAGE_CONTEXT"
    log "image context $IMAGE_CONTEXT ($(du -sh "$IMAGE_CONTEXT/runtime/app" | cut -f1) of executables, libraries and files)"
}
