// graphql-js as every schema-driven client uses it: the standard
// introspection query with all its options, buildClientSchema, and
// validation of the example queries GraphiQL opens with.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { getIntrospectionQuery, buildClientSchema, parse, validate, printType, buildSchema, lexicographicSortSchema, isSpecifiedScalarType } from "graphql";
import { startServer, repoDir } from "./server.mjs";

let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
});

async function post(query, accept = "application/graphql-response+json, application/json") {
  const res = await fetch(`${server.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", accept },
    body: JSON.stringify({ query }),
  });
  return { status: res.status, body: await res.json() };
}

test("the standard introspection query with every option builds a client schema that validates the examples", async () => {
  const query = getIntrospectionQuery({
    descriptions: true,
    specifiedByUrl: true,
    directiveIsRepeatable: true,
    schemaDescription: true,
    inputValueDeprecation: true,
    oneOf: true,
  });
  const { status, body } = await post(query);
  assert.equal(status, 200, JSON.stringify(body.errors));
  assert.equal(body.errors, undefined);
  const schema = buildClientSchema(body.data);
  assert.ok(schema.getQueryType(), "no Query type");
  assert.ok(schema.getQueryType().getFields().coalition, "Query.coalition missing");
  assert.ok(schema.getQueryType().getFields().entity.description, "field descriptions were not sent");
  assert.ok(schema.getType("Mutation").description, "type descriptions were not sent");

  const examples = readFileSync(join(repoDir, "httpapi", "examples.graphql"), "utf8");
  const doc = parse(examples);
  assert.ok(doc.definitions.length > 0);
  const errors = validate(schema, doc);
  assert.deepEqual(errors.map((e) => e.message), []);

  // /schema.graphql is the same schema as introspection.
  const sdl = await (await fetch(`${server.url}/schema.graphql`)).text();
  const served = lexicographicSortSchema(buildSchema(sdl));
  const introspected = lexicographicSortSchema(schema);
  assert.equal(served.description, introspected.description);
  for (const [name, type] of Object.entries(introspected.getTypeMap())) {
    if (name.startsWith("__") || isSpecifiedScalarType(type)) continue;
    const other = served.getType(name);
    assert.ok(other, `type ${name} is not in /schema.graphql`);
    assert.equal(printType(other), printType(type), `type ${name} differs`);
  }
});

test("introspection stays bounded: a deeper one is refused", async () => {
  const ok = await post("{ __schema { queryType { name } } }");
  assert.equal(ok.status, 200);
  const deeper = "{ __schema { types { fields { type { " + "ofType { ".repeat(14) + "name" + " }".repeat(14) + " } } } } }";
  const res = await post(deeper);
  assert.equal(res.body.errors?.[0]?.extensions?.code, "DEPTH_LIMIT_EXCEEDED", JSON.stringify(res.body));
});
