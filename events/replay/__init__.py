"""What follows from the record: the fold of an agreement's events into its status on a
day, its timeline, how one day's answer changed as events were learnt, the deadlines to
watch, each party's own status, and how an answer follows the parties' readings of a
contested fact. It reads the rules; nothing below it reads it."""
