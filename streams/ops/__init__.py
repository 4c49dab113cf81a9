"""What operators watch: Prometheus metrics, consumer lag, the publish sensor."""
