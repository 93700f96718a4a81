"""Kernels for benchmarks/kernels.py: small annotated modules of the kind teams move to Rust."""
