"""Pure, synchronous, Kafka-free processing: parsing, language id, entities.

Nothing in this package may import Kafka or Faust; the stream layer (``streams``)
calls into it.
"""
