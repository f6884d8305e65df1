#!/bin/sh
# The replica profile's hot standby of the postgres service (compose.yaml): on its first
# start a base backup of the primary, with the connection to it written down
# (pg_basebackup --write-recovery-conf), then PostgreSQL replaying what the primary streams
# and answering read-only queries.
set -eu
data=/var/lib/postgresql/data/standby
if [ ! -s "$data/PG_VERSION" ]; then
    pg_basebackup --host=postgres --username=pact --pgdata="$data" \
        --write-recovery-conf --wal-method=stream --checkpoint=fast
    echo "replica: base backup of postgres taken into $data"
fi
exec postgres -D "$data" -c listen_addresses='*' -c hot_standby=on
