"""What is recorded of an agreement: one frozen dataclass per kind of development (with
the vocabulary of the parties' readings), the envelope a recorded event travels in, parties,
sources, how well an event's day is known, and the agreement's terms with the date
arithmetic of its periods. Nothing here knows the wire, the rules or the replay."""
