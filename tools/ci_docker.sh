#!/usr/bin/env bash
# Start a private Docker engine for the smoke end-to-end tests and make the local base image they need.
#
# Idempotent: re-running it when the daemon already answers only (re)checks the base image. Prints, as its last
# line on stdout, `export DOCKER_HOST=...` (progress goes to stderr), so a caller can `eval "$(tools/ci_docker.sh)"`.
# The daemon has its own socket and data folders under $TFL_DOCKERD_DIR (default /tmp/tfl-dockerd), no bridge and
# no iptables, so containers have no network; stop it with `kill "$(cat /tmp/tfl-dockerd/pid)"`.
set -euo pipefail

DIR="${TFL_DOCKERD_DIR:-/tmp/tfl-dockerd}"
SOCK="unix://${DIR}/docker.sock"
BASE_IMAGE="${TFL_PYBASE_IMAGE:-local/pybase:bookworm}"
log() { echo "ci_docker: $*" >&2; }

need_install=()
command -v dockerd >/dev/null 2>&1 || need_install+=(docker.io)
command -v mmdebstrap >/dev/null 2>&1 || need_install+=(mmdebstrap)
if ((${#need_install[@]})); then
    log "installing ${need_install[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends "${need_install[@]}" >&2
fi
# the Debian package puts its own `docker` CLI in /usr/bin; any docker CLI works against the socket
DOCKER="$(command -v docker || echo /usr/bin/docker)"

mkdir -p "$DIR"
alive() { DOCKER_HOST="$SOCK" timeout 10 "$DOCKER" version --format '{{.Server.Version}}' >/dev/null 2>&1; }
if alive; then
    log "daemon already running on $SOCK"
else
    if [[ -s "$DIR/pid" ]] && kill -0 "$(cat "$DIR/pid")" 2>/dev/null; then
        log "a dockerd (pid $(cat "$DIR/pid")) is starting; waiting for it"
    else
        rm -f "$DIR/pid" "$DIR/docker.sock"
        log "starting dockerd on $SOCK"
        setsid dockerd --iptables=false --bridge=none \
            --host "$SOCK" \
            --data-root "$DIR/data" --exec-root "$DIR/exec" \
            --pidfile "$DIR/pid" >>"$DIR/log" 2>&1 </dev/null &
    fi
    for _ in $(seq 1 120); do
        alive && break
        sleep 0.5
    done
    if ! alive; then
        log "dockerd did not answer within 60 s; last lines of $DIR/log:"
        tail -n 20 "$DIR/log" >&2 || true
        exit 1
    fi
fi

if DOCKER_HOST="$SOCK" "$DOCKER" image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    log "$BASE_IMAGE already present"
else
    log "making $BASE_IMAGE with mmdebstrap (about a minute)"
    tmp="$(mktemp -d "$DIR/rootfs.XXXXXX")"
    trap 'rm -rf "$tmp"' EXIT
    mmdebstrap --quiet --variant=apt --include=python3 bookworm "$tmp/rootfs.tar" >&2
    DOCKER_HOST="$SOCK" "$DOCKER" import "$tmp/rootfs.tar" "$BASE_IMAGE" >/dev/null
    log "$BASE_IMAGE created"
fi
echo "export DOCKER_HOST=$SOCK"
