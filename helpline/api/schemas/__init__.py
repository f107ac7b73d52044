"""Request and response shapes of the native API, one module per domain."""
