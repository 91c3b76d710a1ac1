"""The claim scrubber: coding checks over every code line of a date of service.

Pure functions over plain data (`claim.Claim` in, a list of `problems.CodingProblem` out);
the rules themselves are data in the catalog file's [billing] table (docs/coding-checks.md),
frozen into each note's snapshot. `for_note` is the only module that reads the database.
"""
