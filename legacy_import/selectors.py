"""Reads that commands and pages share. The reconciliation lives in the `reconcile`
package (the old side computed from the source, independently of the import's rules);
it is re-exported here for the callers that read it from the selectors."""

from legacy_import.reconcile import reconciliation

__all__ = ["reconciliation"]
