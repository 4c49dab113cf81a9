"""Kafka plumbing: topics and admin, confirmed sends, dead letters, the index changelog,
log-end fixes, security, redrive and the broker watch.
"""
