"""How the service speaks to people: labels for codes, times and addresses in the reader's
language, a case's timeline, and its printable record and PDF. Used by the pages and the API."""
