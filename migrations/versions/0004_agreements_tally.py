"""How many agreements there are, kept as one row, so the service can tell in one cheap
read whether any were registered since it last looked (service/storage/registrations.py).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# A registration is the version 1 row of its stream (a stream whose first row is anything
# else is no agreement, and not counted), and events are never deleted: the
# tally only grows, by the trigger, in the registering transaction (so it counts only what
# committed). Counting the rows instead reads every stream's first row: milliseconds at
# 10,000 agreements, on every question asked across agreements. The function runs as the
# owner, so the service role may read the tally but never write it.
UPGRADE = """
CREATE TABLE agreements_tally (
    agreements bigint NOT NULL CHECK (agreements >= 0),
    single boolean PRIMARY KEY DEFAULT true CHECK (single)
);
INSERT INTO agreements_tally (agreements)
SELECT count(*) FROM events WHERE version = 1 AND event_type = 'agreement_registered';

CREATE FUNCTION tally_agreement() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    UPDATE public.agreements_tally SET agreements = agreements + 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER events_tally_agreements AFTER INSERT ON events
FOR EACH ROW WHEN (NEW.version = 1 AND NEW.event_type = 'agreement_registered') EXECUTE FUNCTION tally_agreement();

GRANT SELECT ON agreements_tally TO pact_api;
"""

DOWNGRADE = """
DROP TRIGGER events_tally_agreements ON events;
DROP FUNCTION tally_agreement();
DROP TABLE agreements_tally;
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)
