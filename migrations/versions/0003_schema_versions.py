"""Each stored event says which version of its type's payload schema it was written in.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Every event stored before this revision was written in version 1 of its type: the
# default says so without touching a row (adding a column with a constant default rewrites
# nothing, so the append-only triggers have nothing to refuse). From now on the service
# writes each event's version explicitly; events/codec/versions.py upcasts old ones on read.
SCHEMA_VERSION = """
ALTER TABLE events
    ADD COLUMN schema_version smallint NOT NULL DEFAULT 1 CHECK (schema_version > 0)
"""


def upgrade() -> None:
    op.execute(SCHEMA_VERSION)


# The code of revision 0002 reads version 1 only: going back is refused once a newer
# version is stored, rather than leaving rows it would misread.
DOWNGRADE = """
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM events WHERE schema_version > 1) THEN
        RAISE EXCEPTION 'events written in schema versions above 1 are stored: cannot go back to revision 0002';
    END IF;
END
$$;
ALTER TABLE events DROP COLUMN schema_version;
"""


def downgrade() -> None:
    op.execute(DOWNGRADE)
