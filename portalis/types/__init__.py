"""Python type IR helpers: annotation resolution and the Python -> Rust type mapping."""
