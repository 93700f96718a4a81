"""The sandbox for repository code (the Python worker, the Rust case binary).

`Sandbox(policy, repos=[root])` runs commands with a private copy of the repository as working
directory, a private /tmp, the rest of the file system read-only, no network, a scrubbed
environment and resource limits, at the best level this machine has (`detect()`): bwrap,
unshare, rlimits or none. Below `unshare` it refuses (SandboxRefused) unless the policy allows
unsandboxed runs. See policy.py for what each level guarantees.
"""

from portalis.sandbox.policy import (
    ISOLATED,
    LEVELS,
    Detection,
    Limits,
    SandboxPolicy,
    SandboxRefused,
    detect,
    resolve,
)
from portalis.sandbox.run import Completed, Sandbox, describe_exit

__all__ = [
    "ISOLATED", "LEVELS", "Completed", "Detection", "Limits", "Sandbox", "SandboxPolicy", "SandboxRefused",
    "describe_exit", "detect", "resolve",
]
