"""Brokers the project starts itself: the embedded Tansu, Apache Kafka from Maven Central, and
the choice between them.
"""
