"""Makes the `inventory` package importable when pytest runs from any directory."""
