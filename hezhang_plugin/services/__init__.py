"""Use cases: read through data, call core's pure functions, write their results."""
