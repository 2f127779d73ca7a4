"""The plan's content as the app uses it: project records, search, indicator tables."""
