"""gunicorn settings read from the working directory (the Dockerfile's, compose's, the load
benchmark's); command-line flags still win."""

import gc


def post_worker_init(worker) -> None:
    # Django, DRF and the rest import a few hundred thousand objects that live as long as
    # the worker. Left to the collector, every full pass walks them all and stalls the
    # request it lands in by ~100 ms; frozen, the passes only see what requests create.
    gc.collect()
    gc.freeze()
