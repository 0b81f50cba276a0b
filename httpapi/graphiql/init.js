// Starts GraphiQL against this server's /graphql, with the explorer plugin
// and the example queries (httpapi/examples.graphql) as the opening tab.
const examples = JSON.parse(document.getElementById("examples").textContent);
const fetcher = GraphiQL.createFetcher({ url: new URL("/graphql", location.href).href });
const explorer = GraphiQLPluginExplorer.explorerPlugin();
ReactDOM.createRoot(document.getElementById("graphiql")).render(
  React.createElement(GraphiQL, {
    fetcher,
    defaultQuery: examples,
    plugins: [explorer],
    defaultEditorToolsVisibility: true,
  }),
);
