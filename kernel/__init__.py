"""The shared kernel every context may use: who and when (`Stamp`), the text and phone checks,
the clock, the community and its categories, retrying a clashing command, and the base errors.
Plain Python: no I/O, no Flask, no context's code."""
