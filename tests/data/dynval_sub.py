"""A second module of the dynval package (tests/test_dynval.py): `**options` dicts handed to the
readers of another module. The evidence pass sees this module alone: `strict`'s call site passes
only strs, so on its own its dict was `dict[str, str]`, and handing it to `get_bool_opt` (whose
`options` hold values of any type) was PTL113. A `**` dict that leaves its function holds
dynamic values (portalis/analysis/keyword_dicts.py); a dict of strs passed where options go
becomes a dict of PyObj values."""

from dynpkg.dynval_lib import describe, get_bool_opt


def strict(**options) -> str:
    return describe(**options) + " " + str(get_bool_opt(options, 'flag', False))


def make_strict() -> str:
    return strict(style='DARK', flag='yes')


def flag_of(value: str) -> bool:
    return get_bool_opt({'flag': value}, 'flag', False)
