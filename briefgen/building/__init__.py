"""The build, as a plain sequence: find briefs → plan what is stale (`plan`) → render in a pool
(`execute`, each brief by `worker`) → record outputs in the manifest (`engine`, `manifest`)."""

from briefgen.building.engine import BuildReport, build
from briefgen.building.execute import default_jobs

__all__ = ["BuildReport", "build", "default_jobs"]
