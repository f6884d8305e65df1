"""Every committed append is announced, by the database itself, in the appending transaction.

Until now the store sent the notification after the append had committed, in a transaction
of its own: a notification lost between the two (the connection dropped) only delayed the
long-polls, which also poll. Servers now answer "now" questions from the versions they
hold in memory (service/storage/knowledge/versions.py), fed by these notifications: a lost one would
leave a server answering from before a write for ever. NOTIFY inside the transaction is
delivered if and only if the transaction commits, whoever wrote -- the API, the CLI's
import, or SQL typed by hand.

For each stream a statement appended to (a COPY may touch many), two notifications: on
``pact_events`` the stream's id, which wakes long-polls and live streams as before; on
``pact_appends`` the stream, the newest version the statement stored and its recorded_at,
which is what a server's memory needs. The price: the commits of notifying transactions
take the notification queue's lock in turn, which costs writes -- rare in this domain -- a
little, and reads nothing.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

UPGRADE = """
CREATE FUNCTION events_announce() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    stream record;
BEGIN
    FOR stream IN
        SELECT stream_id, max(version) AS version, max(recorded_at) AS recorded_at FROM appended GROUP BY stream_id
    LOOP
        PERFORM pg_notify('pact_events', stream.stream_id);
        PERFORM pg_notify(
            'pact_appends',
            json_build_object(
                'stream', stream.stream_id, 'version', stream.version, 'recorded_at', stream.recorded_at
            )::text
        );
    END LOOP;
    RETURN NULL;
END
$$;

CREATE TRIGGER events_announce AFTER INSERT ON events
    REFERENCING NEW TABLE AS appended FOR EACH STATEMENT EXECUTE FUNCTION events_announce();
"""

DOWNGRADE = """
DROP TRIGGER events_announce ON events;
DROP FUNCTION events_announce();
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)
