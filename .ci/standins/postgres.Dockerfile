# Stand-in for postgres:16, for CI machines that reach no container registry: the
# PostgreSQL 16 build the pgserver package ships (the embedded server's own binaries), run
# by an entrypoint that honours the official image's POSTGRES_USER, POSTGRES_PASSWORD and
# POSTGRES_DB on first start, as the official one does.
FROM python:3.11-slim AS binaries
ARG PGSERVER_VERSION=0.1.4
RUN python -m venv /tmp/pgserver \
    && /tmp/pgserver/bin/pip install --quiet "pgserver==${PGSERVER_VERSION}" \
    && cd /tmp/pgserver/lib/python3.11/site-packages \
    && mkdir -p /opt/pgserver/pgserver \
    && cp -a pgserver/pginstall /opt/pgserver/pgserver/ \
    && cp -a pgserver.libs /opt/pgserver/

FROM pact-standin/debian:bookworm
# The binaries find their libraries relative to themselves, as in the wheel's layout.
COPY --from=binaries /opt/pgserver /opt/pgserver
COPY postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
ENV PATH=/opt/pgserver/pgserver/pginstall/bin:$PATH \
    PGDATA=/var/lib/postgresql/data \
    LANG=C.UTF-8
RUN useradd --system --uid 999 --user-group --home-dir /var/lib/postgresql postgres \
    && mkdir -p "$PGDATA" && chown -R postgres:postgres /var/lib/postgresql
VOLUME /var/lib/postgresql/data
# Fast shutdown, as the official image: SIGTERM would wait for every client to leave.
STOPSIGNAL SIGINT
EXPOSE 5432
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["postgres"]
