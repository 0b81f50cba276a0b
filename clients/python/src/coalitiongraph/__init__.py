"""Typed client for the coalitiongraph GraphQL API and its tidy exports."""

from .client import Client, Commitment, CoalitionGraphError, ExportError, GraphQLError

__all__ = ["Client", "Commitment", "CoalitionGraphError", "ExportError", "GraphQLError"]
