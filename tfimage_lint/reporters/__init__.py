"""Reporters turn file reports into bytes; they know nothing about rules or policies."""
