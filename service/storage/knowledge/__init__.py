"""What is known of every stream, and where a question about it is answered from: the
newest versions held in memory so a read about now makes no round trip (versions.py), fed
by the database's notifications and by the writes this server's workers share
(shared_writes.py); the read replicas and how far each has replayed (replicas.py); and the
answer itself, from memory, a replica or the primary (reads.py)."""
