"""The proactive duties context (the "three fives"): households and their watched members, the
visits life events call for, the regular asks watched groups are owed, and the records cadres
keep. Imports only the standard library, eventsourcing and the casework context's shared kernel
(its clock, community, stamp and read-model store)."""
