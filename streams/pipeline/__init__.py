"""The Faust app, the worker and its stages: each decodes, calls its step in
processors/pipeline/, sends and confirms.
"""
