"""How the record is written on the wire and in the store: strict marshmallow fields, one
payload schema per event type (a party's field and the sources with them), and the schema
versions of stored payloads with their upcasters. It knows the record; never the rules or
the replay."""
