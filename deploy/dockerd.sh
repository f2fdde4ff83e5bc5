#!/usr/bin/env bash
# A private Docker engine for this checkout (Debian's docker.io), no bridge, no iptables:
#   deploy/dockerd.sh start   # prints `export DOCKER_HOST=…` for the other commands
#   deploy/dockerd.sh stop
#   deploy/dockerd.sh env
# Data root: .var/deploy/docker (images are kept between runs); sockets: /tmp/qsd-<hash>.
source "$(dirname "$0")/lib.sh"
case "${1:-}" in
    start) deploy_ensure_tools; dockerd_start; echo "export DOCKER_HOST=$SUITE_DOCKER_HOST" ;;
    stop) dockerd_stop ;;
    env) echo "export DOCKER_HOST=$SUITE_DOCKER_HOST" ;;
    *) die "usage: $0 start|stop|env" ;;
esac
