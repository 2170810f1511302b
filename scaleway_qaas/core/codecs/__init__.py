"""Encoders and decoders of the result formats, one module per family (framework-free)."""
