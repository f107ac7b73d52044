"""Benchmark support shipped with the package: the dataset generator behind
``helpline bench seed`` (the benchmarks themselves live in ``benchmarks/``)."""
