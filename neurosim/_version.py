"""The version of neurosim, in one place.

``pyproject.toml`` reads it from here (``[tool.setuptools.dynamic]``), ``neurosim.__version__``
re-exports it, and ``CITATION.cff`` repeats it (a test keeps them equal).
"""

__version__ = "0.1.0"
