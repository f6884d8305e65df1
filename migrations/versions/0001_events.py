"""The append-only events table.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

EVENTS = """
CREATE TABLE events (
    position        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id        uuid        NOT NULL UNIQUE,
    stream_id       text        NOT NULL,
    version         integer     NOT NULL CHECK (version > 0),
    event_type      text        NOT NULL,
    occurred_on     date        NOT NULL,
    recorded_at     timestamptz NOT NULL,
    payload         jsonb       NOT NULL CHECK (jsonb_typeof(payload) = 'object'),
    sources         jsonb       NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(sources) = 'array'),
    metadata        jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
    transaction_id  xid8        NOT NULL,
    CONSTRAINT events_stream_version_key UNIQUE (stream_id, version)
)
"""

# Transaction time belongs to the server: whatever an INSERT says, recorded_at is the start
# of the inserting statement and transaction_id the inserting transaction. The store appends
# a batch in one statement, so its events share both. The statement starts after the store
# has read the stream's version, so within a stream recorded_at never decreases with the
# version. The transaction id lets a catch-up feed wait for transactions still in flight
# instead of skipping positions they fill when they commit late.
STAMP = """
CREATE FUNCTION events_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.recorded_at := statement_timestamp();
    NEW.transaction_id := pg_current_xact_id();
    RETURN NEW;
END
$$;
CREATE TRIGGER events_stamp BEFORE INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION events_stamp();
"""

# An event becomes visible when its transaction commits, which is after its recorded_at.
# Bounding that lag makes "as known at T" final once T is older than the bound: no event
# recorded at or before T can still appear. The check runs at commit (deferred), so an
# append that holds its transaction open too long fails instead of rewriting the past.
# The bound is 10 seconds (service/http/caching.py relies on it); the setting pact.max_commit_lag
# may only lower it, which the tests use to provoke the failure without waiting.
COMMIT_LAG = """
CREATE FUNCTION events_check_commit_lag() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bound interval := least(
        interval '10 seconds',
        coalesce(nullif(current_setting('pact.max_commit_lag', true), '')::interval, interval '10 seconds')
    );
BEGIN
    IF clock_timestamp() - NEW.recorded_at > bound THEN
        RAISE EXCEPTION 'append committed % after it was recorded (at most %)',
            clock_timestamp() - NEW.recorded_at, bound
            USING ERRCODE = 'transaction_rollback';
    END IF;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER events_commit_lag AFTER INSERT ON events
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION events_check_commit_lag();
"""

# Immutability is the database's job, not only the code's: no role that connects through
# the service can change or remove a recorded event. Corrections are new events.
IMMUTABLE = """
CREATE FUNCTION events_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only: % on events is not allowed', TG_OP
        USING ERRCODE = 'restrict_violation',
              HINT = 'record a new event instead of changing or removing one';
END
$$;
CREATE TRIGGER events_no_update_or_delete BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_reject_change();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_reject_change();
REVOKE UPDATE, DELETE, TRUNCATE ON events FROM PUBLIC;
"""


def upgrade() -> None:
    op.execute(EVENTS)
    op.execute(STAMP)
    op.execute(COMMIT_LAG)
    op.execute(IMMUTABLE)


def downgrade() -> None:
    op.execute("DROP TABLE events")
    op.execute("DROP FUNCTION events_reject_change()")
    op.execute("DROP FUNCTION events_check_commit_lag()")
    op.execute("DROP FUNCTION events_stamp()")
