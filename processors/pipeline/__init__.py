"""The pipeline's decisions as plain functions over typed records (no Kafka, no Faust).

Each stage of streams/ decodes its input, calls its step here, and sends what the step
returns; ``harness.PipelineHarness`` chains the same steps in memory, so a scenario
runs without a broker and gives the records the real pipeline gives.
"""
