"""What may be recorded: the fold state of an agreement (its phase, its notices, each
party's steps) and the rules that move it from event to event -- the agreement's lifecycle
and notices, each party's own steps in a multilateral agreement, corrections and
retractions -- and the one error every rule raises, ``RuleViolation``, which carries the
event it refused. Nothing here answers a question about a day: that is the replay's."""
