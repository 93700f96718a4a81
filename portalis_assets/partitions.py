"""One dynamic partition per Python module; the key is the dotted module path."""

import dagster as dg

python_modules = dg.DynamicPartitionsDefinition(name="python_modules")
