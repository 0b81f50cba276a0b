"""The client: GraphQL queries with cursor pagination and asOf, errors as
exceptions with the server's code, and pandas / networkx helpers."""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypedDict, cast

import requests

if TYPE_CHECKING:  # optional dependencies, imported where used
    import networkx
    import pandas

#: The server's cap on a page (graph.MaxFirst).
MAX_PAGE = 100

COMMITMENT_FIELDS = """
  id kind status summary conditions evidenceCount version retracted
  recordedAt recordedBy reason validFrom
  date { text precision }
  actor { id name kind }
  target { id name kind }
  statedBy { id name }
  evidence { quote attributedTo line source { id file } }
"""

COMMITMENTS_QUERY = (
    "query($filter: CommitmentFilter, $first: Int, $after: String) {"
    " commitments(filter: $filter, first: $first, after: $after) {"
    " pageInfo { hasNextPage endCursor } nodes {" + COMMITMENT_FIELDS + "} } }"
)


class Ref(TypedDict, total=False):
    id: str
    name: str
    kind: str


class Commitment(TypedDict, total=False):
    id: str
    kind: str
    status: str
    summary: str | None
    conditions: list[str]
    evidenceCount: int
    version: int
    retracted: bool
    recordedAt: str | None
    recordedBy: str | None
    reason: str | None
    validFrom: str | None
    date: dict[str, str] | None
    actor: Ref
    target: Ref
    statedBy: Ref | None
    evidence: list[dict[str, Any]]


class CoalitionGraphError(Exception):
    """An error the server reported, with its extensions.code."""

    def __init__(self, message: str, code: str | None, field: str | None = None,
                 path: Sequence[str | int] | None = None, status: int | None = None) -> None:
        super().__init__(f"{code}: {message}" if code else message)
        self.message = message
        self.code = code
        self.field = field
        self.path = list(path) if path else []
        self.status = status


class GraphQLError(CoalitionGraphError):
    """The first error of a GraphQL response; all of them are in .errors."""

    def __init__(self, errors: list[dict[str, Any]], status: int | None = None) -> None:
        first = errors[0]
        ext = first.get("extensions") or {}
        super().__init__(first.get("message", ""), ext.get("code"), ext.get("field"), first.get("path"), status)
        self.errors = errors


class ExportError(CoalitionGraphError):
    """An export the server refused (bad filter, missing key, store down)."""


class Client:
    """A client of one server. as_of is an RFC 3339 instant or a day (YYYY-MM-DD)."""

    def __init__(self, url: str, api_key: str | None = None, timeout: float = 30.0,
                 session: requests.Session | None = None) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.session = session or requests.Session()
        if api_key:
            self.session.headers["Authorization"] = f"Bearer {api_key}"

    def query(self, query: str, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Runs a GraphQL operation and returns its data; raises GraphQLError."""
        resp = self.session.post(f"{self.url}/graphql", json={"query": query, "variables": dict(variables or {})},
                                 timeout=self.timeout)
        try:
            body = resp.json()
        except ValueError as exc:
            raise CoalitionGraphError(f"HTTP {resp.status_code}: not a GraphQL response", None,
                                      status=resp.status_code) from exc
        if body.get("errors"):
            raise GraphQLError(body["errors"], resp.status_code)
        return cast(dict[str, Any], body["data"])

    def commitments(self, filter: Mapping[str, Any] | None = None, as_of: str | None = None,
                    page_size: int = MAX_PAGE) -> Iterator[Commitment]:
        """Every commitment the filter selects, following the cursors page by page."""
        f = dict(filter or {})
        if as_of is not None:
            f["asOf"] = as_of
        after: str | None = None
        while True:
            data = self.query(COMMITMENTS_QUERY, {"filter": f, "first": page_size, "after": after})
            conn = data["commitments"]
            yield from cast(list[Commitment], conn["nodes"])
            if not conn["pageInfo"]["hasNextPage"]:
                return
            after = conn["pageInfo"]["endCursor"]

    def export(self, path: str, params: Mapping[str, str | Sequence[str]] | None = None) -> bytes:
        """The bytes of an export under /export/; raises ExportError."""
        resp = self.session.get(f"{self.url}/export/{path.lstrip('/')}", params=params, timeout=self.timeout)
        if resp.status_code != 200:
            try:
                err = resp.json()["errors"][0]
                ext = err.get("extensions") or {}
                raise ExportError(err.get("message", ""), ext.get("code"), ext.get("field"), status=resp.status_code)
            except (ValueError, KeyError, IndexError):
                raise ExportError(f"HTTP {resp.status_code}", None, status=resp.status_code) from None
        return resp.content

    def table(self, name: str, as_of: str | None = None, **filters: str | Sequence[str]) -> pandas.DataFrame:
        """A tidy table (see docs/codebook.md) from its Parquet export, DATE
        columns as datetime64 (pyarrow's default is objects of datetime.date)."""
        import pyarrow.parquet as pq

        params: dict[str, str | Sequence[str]] = dict(filters)
        if as_of is not None:
            params["asOf"] = as_of
        t = pq.read_table(io.BytesIO(self.export(f"tables/{name}.parquet", params)))
        return cast("pandas.DataFrame", t.to_pandas(date_as_object=False))

    def graph(self, as_of: str | None = None, **filters: str | Sequence[str]) -> networkx.MultiDiGraph:
        """The GraphML export read by networkx: typed attributes, no JSON to decode."""
        import networkx as nx

        params: dict[str, str | Sequence[str]] = dict(filters)
        if as_of is not None:
            params["asOf"] = as_of
        return cast("networkx.MultiDiGraph", nx.read_graphml(io.BytesIO(self.export("graph.graphml", params))))

    @staticmethod
    def to_pandas(commitments: Sequence[Commitment]) -> pandas.DataFrame:
        """One row per commitment: ids and names of actor, target and statedBy,
        date as date_start / date_end / date_precision like the tidy tables."""
        import pandas as pd

        rows = []
        for c in commitments:
            date = c.get("date") or {}
            start, end = _interval(date.get("text"), date.get("precision"))
            stated = c.get("statedBy") or {}
            rows.append({
                "id": c["id"], "kind": c["kind"], "status": c["status"],
                "actor": c["actor"]["id"], "actor_name": c["actor"].get("name"),
                "target": c["target"]["id"], "target_name": c["target"].get("name"),
                "stated_by": stated.get("id"), "date_start": start, "date_end": end,
                "date_precision": date.get("precision", "UNKNOWN"), "summary": c.get("summary"),
                "evidence_count": c.get("evidenceCount", len(c.get("evidence", []))),
                "version": c.get("version"),
            })
        df = pd.DataFrame(rows, columns=["id", "kind", "status", "actor", "actor_name", "target", "target_name",
                                         "stated_by", "date_start", "date_end", "date_precision", "summary",
                                         "evidence_count", "version"])
        for col in ("date_start", "date_end"):
            df[col] = pd.to_datetime(df[col], format="%Y-%m-%d")
        return df

    @staticmethod
    def to_networkx(commitments: Sequence[Commitment]) -> networkx.MultiDiGraph:
        """A multigraph of actors and targets, one edge per commitment keyed by
        its id, with kind, status and label attributes for drawing."""
        import networkx as nx

        g = nx.MultiDiGraph()
        for c in commitments:
            for ent in (c["actor"], c["target"]):
                g.add_node(ent["id"], name=ent.get("name"), kind=ent.get("kind"))
            g.add_edge(c["actor"]["id"], c["target"]["id"], key=c["id"], kind=c["kind"], status=c["status"],
                       label=c["kind"].replace("_", " ").lower(), evidence_count=c.get("evidenceCount"))
        return g


def _interval(text: str | None, precision: str | None) -> tuple[str | None, str | None]:
    """The first and last day a partial date may mean, as the tidy tables give them."""
    import calendar

    if not text or precision in (None, "UNKNOWN"):
        return None, None
    parts = [int(p) for p in text.split("-")]
    if precision == "YEAR":
        return f"{parts[0]:04d}-01-01", f"{parts[0]:04d}-12-31"
    if precision == "MONTH":
        last = calendar.monthrange(parts[0], parts[1])[1]
        return f"{parts[0]:04d}-{parts[1]:02d}-01", f"{parts[0]:04d}-{parts[1]:02d}-{last:02d}"
    return text, text
