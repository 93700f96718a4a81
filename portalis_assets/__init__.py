"""Dagster layer of Portalis: per-module assets over the translator core, checks, jobs."""
