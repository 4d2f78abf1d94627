"""Project tools: knowledge-base build, corpus context and report."""
