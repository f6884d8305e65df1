"""Who may do what: API tokens, a least-privilege role for the service, gapless versions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Tokens are random (256 bits), so a plain SHA-256 is enough to keep them out of reach of
# anyone who reads the table: there is nothing to brute-force. The clear token is shown
# once, by `pact-chronology token create`, and never stored.
TOKENS = """
CREATE TABLE api_tokens (
    name        text        PRIMARY KEY CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$'),
    token_hash  text        NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
)
"""

# The role the API connects as. Roles belong to the whole cluster, so several databases
# (one per test, or per deployment) share it: create it only if missing, and tolerate a
# concurrent migration creating it first. It may read and append events and read token
# hashes -- nothing else: no UPDATE, DELETE or TRUNCATE, and since it owns nothing it
# cannot ALTER or DROP a trigger, and without superuser it cannot set
# session_replication_role to skip them.
APP_ROLE = """
DO $$
BEGIN
    CREATE ROLE pact_api LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END
$$;
GRANT USAGE ON SCHEMA public TO pact_api;
GRANT SELECT, INSERT ON events TO pact_api;
GRANT SELECT (name, token_hash, revoked_at) ON api_tokens TO pact_api;
GRANT SELECT ON alembic_version TO pact_api;
"""

# Versions of a stream are 1, 2, 3, ... with no holes, whoever inserts: an event may only
# follow the stream's previous version. Rows inserted earlier by the same statement are
# visible here, so a batch in one INSERT checks out row by row.
GAPLESS = """
CREATE FUNCTION events_check_gapless() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.version > 1 AND NOT EXISTS (
        SELECT 1 FROM events WHERE stream_id = NEW.stream_id AND version = NEW.version - 1
    ) THEN
        RAISE EXCEPTION 'version % of stream % does not follow its version %',
            NEW.version, NEW.stream_id, NEW.version - 1
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER events_gapless BEFORE INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION events_check_gapless();
"""

# The catch-up feed reads in (transaction, position) order below the oldest transaction
# still running; this index serves that order.
FEED_INDEX = "CREATE INDEX events_feed_order ON events (transaction_id, position)"


def upgrade() -> None:
    op.execute(TOKENS)
    op.execute(APP_ROLE)
    op.execute(GAPLESS)
    op.execute(FEED_INDEX)


def downgrade() -> None:
    op.execute("DROP INDEX events_feed_order")
    op.execute("DROP TRIGGER events_gapless ON events")
    op.execute("DROP FUNCTION events_check_gapless()")
    op.execute("REVOKE ALL ON events, alembic_version FROM pact_api")
    op.execute("REVOKE USAGE ON SCHEMA public FROM pact_api")
    op.execute("DROP TABLE api_tokens")
