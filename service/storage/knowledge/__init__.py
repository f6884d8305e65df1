"""What this server knows of every stream now, held in memory so a read about now makes no
round trip: the newest versions (versions.py), fed by the database's notifications and by
the writes this server's workers share (shared_writes.py)."""
