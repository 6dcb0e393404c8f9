"""Analysis: annotated events into facts (collapsed rows, a frozen Diagnosis). No printing."""
