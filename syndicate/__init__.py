"""syndicate: validate, render and syndicate articles under their licence terms."""

__version__ = "0.1.0"

#: raised with every change of what syndicate writes (copies, feeds) between versions: a ledger's
#: cached renders and a run's "nothing to do" stand for one version and revision only, so that
#: the changed copies reach every endpoint at the next run
OUTPUT_REVISION = 6
