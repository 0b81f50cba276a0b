// The benchmark's peer: @neo4j/graphql on graphql-yoga over the same Neo4j as
// coalitiongraph, with type definitions for this graph written by the Go
// benchmark (bench/queries_test.go) to the file named by PEER_TYPEDEFS.
// Usage: NEO4J_URI=bolt://… PEER_TYPEDEFS=typedefs.graphql node server.mjs
// It prints "LISTENING <port>" once it serves /graphql on 127.0.0.1.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { Neo4jGraphQL } from "@neo4j/graphql";
import { createYoga } from "graphql-yoga";
import neo4j from "neo4j-driver";

const typeDefs = readFileSync(process.env.PEER_TYPEDEFS, "utf8");
const driver = neo4j.driver(process.env.NEO4J_URI, undefined, {
  maxConnectionPoolSize: 100,
});
const schema = await new Neo4jGraphQL({ typeDefs, driver }).getSchema();
const yoga = createYoga({ schema, logging: false, maskedErrors: false, graphiql: false, landingPage: false });
const server = createServer(yoga);
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  console.log(`LISTENING ${server.address().port}`);
});
const stop = async () => {
  server.close();
  await driver.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.stdin.on("end", stop);
process.stdin.resume();
