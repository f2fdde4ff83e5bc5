# Shared shell helpers for scripts/run, scripts/test and scripts/bench.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export ROOT
VAR_DIR="${VAR_DIR:-$ROOT/.var}"
mkdir -p "$VAR_DIR"

log() { printf '\033[1;34m[%s]\033[0m %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# A free TCP port on loopback.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Installs Debian packages that are missing (root only; otherwise says what to install).
ensure_packages() {
    local missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        die "missing Debian packages: ${missing[*]} (run: sudo apt-get install ${missing[*]})"
    fi
    log "installing ${missing[*]}"
    if [ ! -f "$VAR_DIR/.apt-updated" ]; then
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null && touch "$VAR_DIR/.apt-updated"
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Python packages (PyPI) the tests use, installed for the current python3.
ensure_python_packages() {
    local missing=()
    for spec in "$@"; do
        local mod="${spec%%=*}"; mod="${mod%%[<>]*}"
        case "$mod" in
            openapi-spec-validator) mod=openapi_spec_validator ;;
        esac
        python3 -c "import ${mod//-/_}" 2>/dev/null || missing+=("$spec")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "pip install ${missing[*]}"
    python3 -m pip install -q --disable-pip-version-check "${missing[@]}" >/dev/null
}

BUILD_PACKAGES=(libpq-dev libcurl4-openssl-dev libssl-dev zlib1g-dev postgresql fonts-wqy-zenhei pkg-config)

swift_build() {
    local config="${1:-debug}"; shift || true
    local out="$VAR_DIR/build-$config.log"
    log "swift build -c $config $*"
    if ! (cd "$ROOT" && swift build -c "$config" "$@") > "$out" 2>&1; then
        grep -E 'error' "$out" | head -60 >&2
        die "swift build failed (full log: $out)"
    fi
    grep -E 'warning:' "$out" | sort -u | head -20 >&2 || true
    BIN_DIR="$(cd "$ROOT" && swift build -c "$config" --show-bin-path)"
    export BIN_DIR
}
