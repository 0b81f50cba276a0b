from __future__ import annotations

import datetime
import io

import networkx as nx
import pandas as pd
import pyarrow.parquet as pq
import pytest

from coalitiongraph import Client, ExportError, GraphQLError


@pytest.fixture(scope="session")
def cg(server_url: str) -> Client:
    return Client(server_url)


def test_pagination_returns_every_commitment_once(cg: Client) -> None:
    total = cg.query("{ commitments { totalCount } }")["commitments"]["totalCount"]
    small = list(cg.commitments(page_size=3))  # several pages
    assert len(small) == total > 3
    assert len({c["id"] for c in small}) == total
    assert [c["id"] for c in small] == [c["id"] for c in cg.commitments()]


def test_filter_and_as_of(cg: Client) -> None:
    refusals = list(cg.commitments({"kinds": ["REFUSES_TROOPS"]}))
    assert {c["actor"]["id"] for c in refusals} >= {"POL"}
    assert all(c["kind"] == "REFUSES_TROOPS" for c in refusals)
    # Before anything happened only the undated commitments (in effect
    # "always") are visible.
    early = list(cg.commitments(as_of="1990-01-01T00:00:00Z"))
    assert all(c["date"] is None for c in early)
    assert len(early) < len(list(cg.commitments()))


def test_errors_carry_the_server_code(cg: Client) -> None:
    with pytest.raises(GraphQLError) as err:
        list(cg.commitments(page_size=1000))
    assert err.value.code == "BAD_USER_INPUT"
    with pytest.raises(ExportError) as exp:
        cg.export("tables/commitments.csv", {"kinds": "X"})
    assert exp.value.code == "BAD_USER_INPUT" and exp.value.status == 400


def test_to_pandas_has_dates_as_dates(cg: Client) -> None:
    df = cg.to_pandas(list(cg.commitments()))
    assert pd.api.types.is_datetime64_any_dtype(df["date_start"])
    assert (df["date_end"].dropna() >= df["date_start"].dropna()).all()
    pol = df.set_index("id").loc["c-pol-refuses-troops"]
    assert pol["actor"] == "POL" and pol["actor_name"] == "Poland"


def test_to_networkx_labels_edges(cg: Client) -> None:
    g = cg.to_networkx(list(cg.commitments({"kinds": ["REFUSES_TROOPS"]})))
    assert g.has_edge("POL", "UKR", key="c-pol-refuses-troops")
    assert g.edges["POL", "UKR", "c-pol-refuses-troops"]["label"] == "refuses troops"


def test_tables_load_typed(cg: Client) -> None:
    commitments = cg.table("commitments")
    assert commitments["date_start"].dtype.kind == "M"
    assert commitments["date_start"].isna().sum() == (commitments["date_precision"] == "UNKNOWN").sum()
    assert pd.api.types.is_integer_dtype(commitments["evidence_count"])
    assert pd.api.types.is_bool_dtype(commitments["retracted"])
    raw = pq.read_table(io.BytesIO(cg.export("tables/commitments.parquet")))
    assert str(raw.schema.field("date_start").type) == "date32[day]"
    assert str(raw.schema.field("recorded_at").type).startswith("timestamp[us")
    assert isinstance(pd.read_parquet(io.BytesIO(cg.export("tables/commitments.parquet")))["date_start"].dropna().iloc[0], datetime.date)
    evidence = cg.table("evidence")
    per = evidence[evidence.fact_type == "commitment"].groupby("fact").size()
    counts = commitments.set_index("id")["evidence_count"]
    assert (per.reindex(counts.index, fill_value=0) == counts).all()


def test_csv_dates_parse_in_pandas(cg: Client) -> None:
    df = pd.read_csv(io.BytesIO(cg.export("tables/commitments.csv")), parse_dates=["date_start", "date_end"])
    assert pd.api.types.is_datetime64_any_dtype(df["date_start"])
    assert df["date_precision"].isin(["DAY", "MONTH", "YEAR", "UNKNOWN"]).all()


def test_graphml_reads_without_json(cg: Client) -> None:
    g = cg.graph()
    assert isinstance(g, nx.MultiDiGraph)
    data = g.get_edge_data("POL", "UKR")
    pol = next(d for d in data.values() if d.get("kind") == "REFUSES_TROOPS")
    assert pol["status"] == "REFUSED"
    assert isinstance(pol["evidenceCount"], int) and pol["evidenceCount"] == 1
    assert g.nodes["POL"]["name"] == "Poland"
    assert nx.pagerank(nx.DiGraph(g))  # needs scipy in the pinned environment
