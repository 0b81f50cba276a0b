"""Python's gql against the live server, as a Python developer uses it:
fetch_schema_from_transport=True sends graphql-core's standard introspection
query, builds the schema, and validates every query locally before sending it.

Run by scripts/test-clients.sh in the venv it makes (requirements.txt, pinned).
"""
import json
import os
import pathlib
import subprocess
import tempfile
import threading
import unittest

from gql import Client, gql
from gql.transport.requests import RequestsHTTPTransport
from graphql import GraphQLError, parse, validate

REPO = pathlib.Path(__file__).resolve().parents[3]


class LiveServer:
    """The real server, built into a temp dir, on 127.0.0.1:0 with a temp data dir."""

    def __enter__(self):
        self.dir = tempfile.TemporaryDirectory(prefix="clients-py-")
        binary = os.environ.get("CLIENTS_SERVER_BIN") or os.path.join(self.dir.name, "server")
        if not os.environ.get("CLIENTS_SERVER_BIN"):
            subprocess.run(["go", "build", "-o", binary, "./server"], cwd=REPO, check=True)
        env = {**os.environ, "PORT": "", "NEO4J_URI": "", "COALITIONGRAPH_DATA_DIR": ""}
        self.proc = subprocess.Popen(
            [binary, "--addr", "127.0.0.1:0", "--data-dir", os.path.join(self.dir.name, "data")],
            cwd=self.dir.name, env=env, stdout=subprocess.PIPE, text=True)
        addr = None
        for line in self.proc.stdout:  # blocks until the server logs; exits with it
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if rec.get("msg") == "listening":
                addr = rec["addr"]
                break
        if addr is None:
            raise RuntimeError(f"server exited ({self.proc.wait()}) before listening")
        # Keep draining the log so the server never blocks on a full pipe.
        threading.Thread(target=lambda: [None for _ in self.proc.stdout], daemon=True).start()
        self.url = f"http://{addr}/graphql"
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(timeout=30)
        self.dir.cleanup()


class GQLClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = LiveServer().__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)

    def client(self):
        return Client(transport=RequestsHTTPTransport(url=self.server.url, timeout=30),
                      fetch_schema_from_transport=True)

    def test_fetches_schema_and_runs_a_query(self):
        with self.client() as session:
            result = session.execute(gql('query { entity(id: "FRA") { id name kind } }'))
            schema = session.client.schema
        self.assertIsNotNone(schema, "no schema fetched")
        self.assertIn("coalition", schema.query_type.fields)
        self.assertEqual(result["entity"]["id"], "FRA")
        self.assertEqual(result["entity"]["kind"], "COUNTRY")

    def test_example_queries_validate_against_the_fetched_schema(self):
        examples = (REPO / "httpapi" / "examples.graphql").read_text()
        with self.client() as session:
            session.fetch_schema()
            errors = validate(session.client.schema, parse(examples))
        self.assertEqual([e.message for e in errors], [])

    def test_invalid_query_is_refused_locally(self):
        with self.client() as session:
            with self.assertRaises(GraphQLError) as ctx:
                session.execute(gql("query { noSuchField }"))
        self.assertIn("noSuchField", str(ctx.exception))


if __name__ == "__main__":
    unittest.main()
