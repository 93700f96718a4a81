"""The facts the evidence pass produces: per function, the type each unannotated parameter and
the return have according to the evidence, where each came from, and what was tried when
nothing pinned one. Plain data (pydantic), stored as golden files in the tests."""

from __future__ import annotations

from pydantic import BaseModel, Field

from portalis.model import PyType, TypeOrigin


class TypeEvidence(BaseModel):
    """What the evidence says about one parameter or return.

    `type` is what it pinned (it may be partial, `list[unknown]`: lowering completes it), None
    when nothing did; `provenance` the observations that pinned it; `conflict` two observations
    that disagree (then `type` is None); `tried` what was looked at when nothing pinned it."""

    type: PyType | None = None
    provenance: list[TypeOrigin] = Field(default_factory=list)
    conflict: str | None = None
    tried: str = ""
    # Pinned only by weak evidence (a number used with floats, a true division): the type map
    # takes it only where inference from the body found nothing.
    weak: bool = False
    # Nothing pinned a type and what was seen fits a generic type parameter (portalis/analysis/
    # generics.py decides the bounds, or refuses): "value" (no observation: a T), "container"
    # (only indexed, iterated, sized: a list[T]), "optional" (only a None default and None
    # tests: an Optional callable when the body calls it, `key=None`). None: not a candidate.
    generic: str | None = None


class FunctionEvidence(BaseModel):
    qualname: str
    params: dict[str, TypeEvidence] = Field(default_factory=dict)
    returns: TypeEvidence = Field(default_factory=TypeEvidence)
    # The return type traced calls showed (portalis/analysis/observed.py): the type map uses it
    # only where the returned expressions and inference leave the return open.
    observed_returns: TypeEvidence | None = None


class ModuleEvidence(BaseModel):
    module: str
    functions: dict[str, FunctionEvidence] = Field(default_factory=dict)
    # class -> attribute of its instances -> what the methods' assignments (`self.x = ...`) say
    fields: dict[str, dict[str, TypeEvidence]] = Field(default_factory=dict)
    rounds: int = 0  # rounds of the call-site fixed point

    def function(self, qualname: str) -> FunctionEvidence | None:
        return self.functions.get(qualname)
