"""Print the BLAS library and kernel NumPy uses; fail when OPENBLAS_CORETYPE asks for one it ignored."""

import os
import sys

import numpy  # noqa: F401  (loads the BLAS library, so that threadpoolctl can see it)
import threadpoolctl

libraries = [info for info in threadpoolctl.threadpool_info() if info["user_api"] == "blas"]
for info in libraries:
    print(f"BLAS: {info['internal_api']} {info.get('version')}, kernel {info.get('architecture')}")
wanted = os.environ.get("OPENBLAS_CORETYPE")
if wanted and not any(info["internal_api"] == "openblas" for info in libraries):
    sys.exit(f"OPENBLAS_CORETYPE={wanted} is set, but NumPy does not use OpenBLAS here")
