#!/usr/bin/env bash
# Makes the two Debian bookworm base images without a registry: debootstrap --variant=minbase
# with the packages each image needs (runtime: libpq5 libcurl4 ca-certificates
# fonts-wqy-zenhei; postgres: postgresql), then `docker import`. The root file systems are
# cached as tarballs (/var/cache/quality-suite, else .var/deploy/cache), so this runs once per
# machine. Prints the lines to put in .env:
#   RUNTIME_BASE_IMAGE=quality-suite/base-runtime:bookworm-<key>
#   POSTGRES_BASE_IMAGE=quality-suite/base-postgres:bookworm-<key>
# Uses the engine DOCKER_HOST names (the system one by default; `eval "$(deploy/dockerd.sh
# start)"` gives a private one). DEBIAN_MIRROR=http://mirrors.example.cn/debian picks a mirror.
source "$(dirname "$0")/lib.sh"
deploy_ensure_tools
base_image runtime "${RUNTIME_PACKAGES[@]}"
echo "RUNTIME_BASE_IMAGE=$BASE_IMAGE_RESULT"
base_image postgres "${POSTGRES_PACKAGES[@]}"
echo "POSTGRES_BASE_IMAGE=$BASE_IMAGE_RESULT"
