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

# Transaction time belongs to the server: whatever an INSERT says, recorded_at is the
# transaction's start and transaction_id its id. One append's events share both. The
# transaction id lets a catch-up feed wait for transactions still in flight instead of
# skipping positions they will fill when they commit late.
STAMP = """
CREATE FUNCTION events_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.recorded_at := now();
    NEW.transaction_id := pg_current_xact_id();
    RETURN NEW;
END
$$;
CREATE TRIGGER events_stamp BEFORE INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION events_stamp();
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
    op.execute(IMMUTABLE)


def downgrade() -> None:
    op.execute("DROP TABLE events")
    op.execute("DROP FUNCTION events_reject_change()")
    op.execute("DROP FUNCTION events_stamp()")
