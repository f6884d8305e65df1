"""Every SQL statement on the events table, beside what makes each one cheap or safe.

service/storage/store.py runs them; keeping the text in one place lets a reader check
each statement against the indexes and constraints of migrations/versions/ at a glance.
"""

COLUMNS = (
    "position, event_id, stream_id, version, event_type, schema_version, occurred_on, recorded_at, payload, sources,"
    " metadata"
)

STREAM_VERSION = "SELECT coalesce(max(version), 0) AS version FROM events WHERE stream_id = %s"

# One statement for the whole batch: its events share recorded_at (statement time).
INSERT = """
INSERT INTO events (event_id, stream_id, version, event_type, schema_version, occurred_on, payload, sources, metadata)
SELECT * FROM unnest(
    %s::uuid[], %s::text[], %s::integer[], %s::text[], %s::smallint[], %s::date[], %s::jsonb[], %s::jsonb[],
    %s::jsonb[]
)
RETURNING version, position, recorded_at
"""

COPY = (
    "COPY events (event_id, stream_id, version, event_type, schema_version, occurred_on, payload, sources, metadata)"
    " FROM STDIN"
)

RECORDED_AT = "SELECT recorded_at FROM events WHERE stream_id = %s AND version = %s"

# The same for a single event, which is most appends: no arrays to build and unpack.
INSERT_ONE = """
INSERT INTO events (event_id, stream_id, version, event_type, schema_version, occurred_on, payload, sources, metadata)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)
RETURNING version, position, recorded_at
"""

BY_IDS = f"SELECT {COLUMNS} FROM events WHERE event_id = ANY(%s) ORDER BY position"

# known_at NULL means "everything recorded so far".
STREAM = f"""
SELECT {COLUMNS} FROM events
WHERE stream_id = %s AND version > %s AND recorded_at <= coalesce(%s::timestamptz, 'infinity')
ORDER BY version LIMIT %s
"""

# What was known of a stream at an instant is versions 1..v (versions are gapless and
# recorded_at grows with them), so two index lookups answer: no scan of the stream.
KNOWN_VERSION = """
SELECT version, recorded_at FROM events
WHERE stream_id = %(stream)s AND recorded_at <= coalesce(%(known_at)s::timestamptz, 'infinity')
ORDER BY version DESC LIMIT 1
"""

KNOWLEDGE = f"""
SELECT registration.payload ->> 'timezone' AS timezone,
       coalesce(newest.version, 0) AS version,
       newest.recorded_at AS horizon
FROM (SELECT payload FROM events WHERE stream_id = %(stream)s AND version = 1) AS registration
LEFT JOIN LATERAL ({KNOWN_VERSION}) AS newest ON true
"""

OWNER = "SELECT stream_id FROM events WHERE event_id = %s"

# Every transaction below the snapshot's xmin has ended, and every transaction yet to
# commit has an id at or above it: rows below the horizon are all there will ever be.
FEED = f"""
SELECT {COLUMNS}, transaction_id::text AS transaction FROM events
WHERE (transaction_id, position) > (%(transaction)s::xid8, %(position)s)
  AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
ORDER BY transaction_id, position
LIMIT %(limit)s
"""

# Every append is announced by a trigger in the appending transaction (migrations/versions/0005),
# delivered once it commits, never before, never lost: on CHANNEL the stream's id, which is
# all a long-poll needs; on APPENDS the stream, its new version and its recorded_at.
CHANNEL = "pact_events"
APPENDS = "pact_appends"

# A WAL position of the primary, as a number: asked after a commit, a replica that has
# replayed this far holds it (pg_last_wal_replay_lsn() on the replica, likewise a number).
CURRENT_LSN = "SELECT pg_current_wal_lsn() - '0/0'"

# Every stream's newest version and its recorded_at: an index lookup per stream.
EVERY_STREAM_NEWEST = """
SELECT first.stream_id, newest.version, newest.recorded_at
FROM events AS first
CROSS JOIN LATERAL (
    SELECT version, recorded_at FROM events WHERE stream_id = first.stream_id ORDER BY version DESC LIMIT 1
) AS newest
WHERE first.version = 1
"""

STREAM_IDS = "SELECT stream_id FROM events WHERE version = 1 ORDER BY stream_id"

# How many agreements there are: one row, kept by a trigger (migrations/versions/0004),
# and the registrations (version 1) of all but those already read.
REGISTRATION_COUNT = "SELECT agreements FROM agreements_tally"
REGISTRATIONS_BUT = f"""
SELECT {COLUMNS} FROM events
WHERE version = 1 AND event_type = 'agreement_registered' AND stream_id <> ALL(%s::text[])
"""

# What was known of several streams at an instant: the KNOWLEDGE query for each at once.
KNOWLEDGE_OF_STREAMS = """
SELECT registration.stream_id, registration.payload ->> 'timezone' AS timezone,
       newest.version, newest.recorded_at AS horizon
FROM events AS registration
CROSS JOIN LATERAL (
    SELECT version, recorded_at FROM events
    WHERE stream_id = registration.stream_id AND recorded_at <= coalesce(%(known_at)s::timestamptz, 'infinity')
    ORDER BY version DESC LIMIT 1
) AS newest
WHERE registration.version = 1 AND registration.stream_id = ANY(%(streams)s::text[])
"""

# A page of streams with their current versions: an index lookup each, not a scan.
STREAM_VERSIONS = """
SELECT first.stream_id,
       (SELECT max(version) FROM events newest WHERE newest.stream_id = first.stream_id) AS version
FROM events first
WHERE first.version = 1 AND first.stream_id > %s
ORDER BY first.stream_id LIMIT %s
"""
