import { defineConfig } from "vite";

// The bundle is committed and CI rebuilds it to check that it is current, so
// the output must depend on the sources only: content hashes in file names,
// no source maps (they embed absolute paths on some setups), no build time.
export default defineConfig({
  base: "/dashboard/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    target: "es2022",
    reportCompressedSize: false,
    chunkSizeWarningLimit: 600,
  },
  server: {
    // `npm run dev` proxies the API to a server started with
    // `go run ./server --addr 127.0.0.1:8099`.
    proxy: { "/graphql": { target: "http://127.0.0.1:8099", ws: true } },
  },
});
