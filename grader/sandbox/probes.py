"""Trusted probe code that runs in the child on the student's objects (nn.Module topics)."""
