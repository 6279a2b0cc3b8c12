"""What the API, the pages, the tasks and the CLI share beyond the access policy: the commands
and queries that span contexts (casework with the partner directory and the households, erasure,
a record that becomes a need, reminders), key rotation, signed statements, case exports and the
who-looked log."""
