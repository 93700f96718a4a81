"""Jobs: translate the registered modules through every stage."""

import dagster as dg

from portalis_assets.assets import ALL_ASSETS

translate_repo = dg.define_asset_job(
    name="translate_repo",
    selection=dg.AssetSelection.assets(*ALL_ASSETS),
    description="Parse, type, translate and validate the selected module partitions, then assemble the crate.",
)
