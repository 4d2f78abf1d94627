"""JSON schemas of the report formats."""
