"""Reliability: kill -9 at random moments, two processes on one file."""
