# The suite's runtime image: one image for the five services, the executable chosen by the
# command (identity, documents, approval, reporting, gateway). Build context: the directory
# deploy/build-binaries.sh stages (.var/deploy/context/runtime): release executables built on
# the host, the Swift runtime libraries they link, the SwiftPM resource bundles (SQL
# migrations, found by Bundle.module next to the executable), the portal files.
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}

# Debian's libraries only. A base made by deploy/build-base-image.sh already has them and
# this step then needs no network; on debian:bookworm-slim it installs them.
ARG RUNTIME_PACKAGES="libpq5 libcurl4 ca-certificates fonts-wqy-zenhei"
RUN set -eu; \
    missing=""; \
    for p in $RUNTIME_PACKAGES; do \
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"; \
    done; \
    if [ -n "$missing" ]; then \
        apt-get update; \
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing; \
        rm -rf /var/lib/apt/lists/*; \
    fi; \
    groupadd --system --gid 10001 suite; \
    useradd --system --uid 10001 --gid suite --home-dir /data --no-create-home --shell /usr/sbin/nologin suite; \
    mkdir -p /data/documents /data/identity; \
    chown -R suite:suite /data; chmod 0750 /data/documents /data/identity

COPY app/ /app/
COPY healthcheck /usr/local/bin/suite-healthcheck
# Every executable must find every library here (a missing one fails the build, not the start).
RUN set -eu; chmod 0755 /usr/local/bin/suite-healthcheck; \
    for exe in identity documents approval reporting gateway; do \
        if ldd "/app/$exe" | grep "not found"; then echo "missing libraries for $exe" >&2; exit 1; fi; \
    done

ENV PATH=/app:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 \
    HOST=0.0.0.0 \
    STORAGE_DIR=/data/documents \
    TOKEN_KEY_FILE=/data/identity/token-signing.key \
    PORTAL_DIR=/app/Portal \
    OPENAPI_FILE=/app/docs/openapi.json \
    KITPDF_CJK_FONT=/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc
USER suite:suite
WORKDIR /data
# Volumes are declared in docker-compose.yml (named volumes), not here.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 CMD ["suite-healthcheck"]
CMD ["gateway"]
