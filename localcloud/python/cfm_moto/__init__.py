"""cfm's extension of the local cloud.

moto 5.2.5 (the pinned release) differs from AWS in a few ways cfm's workflows depend on.
``apply()`` patches moto in this process before its server starts; each module fixes one
service and says which AWS behaviour it restores. ``python -m cfm_moto <moto_server args>``
applies the patches and runs the server.
"""

from . import cloudfront, functions, oai, policies, s3, stepfunctions

#: The moto release these patches were written and tested against.
MOTO_VERSION = "5.2.5"

_applied = False


def apply() -> None:
    """Applies every patch once; refuses a moto release the patches do not know."""
    global _applied
    if _applied:
        return
    import moto

    if moto.__version__ != MOTO_VERSION:
        raise RuntimeError(f"cfm_moto is written for moto {MOTO_VERSION}, found {moto.__version__}")
    stepfunctions.apply()
    s3.apply()
    cloudfront.apply()
    policies.apply()
    functions.apply()
    oai.apply()
    _applied = True
