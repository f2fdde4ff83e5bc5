# PostgreSQL for the suite: Debian's postgresql package. On start it initialises the cluster
# (first start only) and provisions one login role per service that owns its schema and has no
# rights elsewhere (provision.sql, as scripts/run does), with passwords from the environment.
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}

ARG POSTGRES_PACKAGES="postgresql"
# The package's default cluster ("main") is not used: ours lives in the volume.
RUN set -eu; \
    missing=""; \
    for p in $POSTGRES_PACKAGES; do \
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"; \
    done; \
    if [ -n "$missing" ]; then \
        mkdir -p /etc/postgresql-common/createcluster.d; \
        echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.d/no-main.conf; \
        apt-get update; \
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing; \
        rm -rf /var/lib/apt/lists/*; \
    fi; \
    rm -rf /var/lib/postgresql/*/main /etc/postgresql/*/main; \
    mkdir -p /var/lib/postgresql/data /var/run/postgresql /usr/share/quality-suite; \
    chown postgres:postgres /var/lib/postgresql/data /var/run/postgresql; \
    chmod 0700 /var/lib/postgresql/data; chmod 2775 /var/run/postgresql

COPY provision.sql /usr/share/quality-suite/provision.sql
COPY postgres-entrypoint /usr/local/bin/suite-postgres
RUN chmod 0755 /usr/local/bin/suite-postgres

ENV LANG=C.UTF-8 PGDATA=/var/lib/postgresql/data
USER postgres
WORKDIR /var/lib/postgresql
STOPSIGNAL SIGINT
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
    CMD pg_isready -q -h "${POSTGRES_LISTEN_CHECK:-127.0.0.1}" -p "${POSTGRES_PORT:-5432}" -d "${POSTGRES_DB:-quality}" -U postgres
CMD ["suite-postgres"]
