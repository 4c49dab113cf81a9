"""The Faust application: topics, agents, web views and the CLI.

The only package that knows Kafka.
"""
