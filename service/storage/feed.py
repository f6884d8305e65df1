"""The feed of every agreement's events in one order, for catching up and following live.

The order is gap-safe without any lock on appends (see sql.FEED): it is read only below the
oldest transaction still running, so nothing can ever appear behind a cursor once it was
handed out.
"""

from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from events import Recorded
from service.storage import sql
from service.storage.results import Cursor
from service.storage.rows import recorded


class Feed:
    def __init__(self, pool: ConnectionPool) -> None:
        self.pool = pool

    def after(self, cursor: Cursor, limit: int) -> list[tuple[Cursor, Recorded]]:
        """Events of all streams after ``cursor``, in feed order, each with its cursor."""
        parameters = {"transaction": str(cursor.transaction), "position": cursor.position, "limit": limit}
        with self.pool.connection() as connection, connection.cursor(row_factory=dict_row) as rows:
            found = rows.execute(sql.FEED, parameters).fetchall()
        return [(Cursor(int(row.pop("transaction")), row["position"]), recorded(row)) for row in found]
