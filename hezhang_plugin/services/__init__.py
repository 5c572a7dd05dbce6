"""Use cases between the dock/algorithms and core: read through data, call core's rules,
write the result in one transaction."""
