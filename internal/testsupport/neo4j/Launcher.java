// Launcher starts an in-process Neo4j Community server for the Go integration
// tests. The Go side (testsupport.compiledLauncher) compiles it once into the
// user's cache, keyed by this file and the pom's classpath, so that there is no
// build output to keep in sync by hand; without javac it runs this file in
// source-file mode (java -cp "$CP" Launcher.java), which compiles it at every start.
//
// Usage: Launcher.java <port> <dir>
//   port  Bolt port on 127.0.0.1; 0 picks a free one. The Go side passes the
//         previous port back to restart an instance where its clients expect it.
//   dir   instance directory; the store lives in <dir>/data so that a restart
//         with the same dir sees the same graph.
//
// Protocol with the Go side: once Bolt accepts connections, one line
// "BOLT_URI bolt://127.0.0.1:NNNN" is printed on stdout. The server shuts down
// when stdin reaches EOF, which also happens when the Go test process dies, so
// no JVM outlives the tests.

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilder;
import org.neo4j.harness.Neo4jBuilders;
import org.neo4j.io.ByteUnit;

public class Launcher {
    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: Launcher.java <port> <dir>");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        Path dir = Path.of(args[1]).toAbsolutePath();
        Path data = dir.resolve("data");
        // The harness creates a random-named home under the working dir and
        // deletes it on close; only logs and certificates live there, the store
        // is pointed at <dir>/data so it survives a restart.
        Path work = dir.resolve("work");
        Files.createDirectories(data);
        Files.createDirectories(work);

        // Small by default: several instances run at once on a small shared
        // machine. An instance that serves a large graph alone (scripts/bench.sh
        // at 1M) gets a page cache of this many MiB instead.
        long pageCacheMiB = 128;
        String pc = System.getenv("COALITIONGRAPH_NEO4J_PAGECACHE_MB");
        if (pc != null && !pc.isBlank()) {
            pageCacheMiB = Long.parseLong(pc.trim());
        }

        // "keep" (what the Go side passes to tests): a cached plan is not
        // planned again when the graph's statistics drift. Tests empty and
        // fill graphs of very different sizes, and Neo4j's default (replan
        // a statement 10 s after its statistics moved past a threshold)
        // planned hundreds of 1-3 s statements again per run of the neo4j
        // package. Anything else keeps Neo4j's default, as benchmarks need.
        Duration minReplan = "keep".equals(System.getenv("COALITIONGRAPH_NEO4J_REPLAN"))
                ? Duration.ofDays(1) : GraphDatabaseSettings.cypher_min_replan_interval.defaultValue();
        // Where Neo4j writes debug.log (its replans among them), to read
        // after the run; the harness's temporary home otherwise.
        String logs = System.getenv("COALITIONGRAPH_NEO4J_LOGS");

        long started = System.nanoTime();
        Neo4jBuilder builder = Neo4jBuilders.newInProcessBuilder(work)
                // No HTTP server: the tests speak Bolt only, and it saves a port.
                .withDisabledServer()
                .withConfig(GraphDatabaseSettings.data_directory, data)
                .withConfig(BoltConnector.enabled, true)
                .withConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .withConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .withConfig(GraphDatabaseSettings.auth_enabled, false)
                .withConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pageCacheMiB))
                // Test stores are tiny; preallocating 256 MB log files would
                // cost disk and time on every start.
                .withConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .withConfig(GraphDatabaseSettings.preallocate_store_files, false)
                // Never phone home from a test run.
                .withConfig(GraphDatabaseSettings.udc_enabled, false)
                // Netty's default 5 s quiet period, paid per event loop group,
                // made every stop take ~10 s; tests stop and restart often.
                .withConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .withConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(5))
                .withConfig(GraphDatabaseSettings.cypher_min_replan_interval, minReplan);
        if (logs != null && !logs.isBlank()) {
            builder = builder.withConfig(GraphDatabaseSettings.logs_directory, Path.of(logs).toAbsolutePath());
        }
        Neo4j neo4j = builder.build();

        AtomicBoolean closed = new AtomicBoolean();
        Runnable shutdown = () -> {
            if (closed.compareAndSet(false, true)) {
                // close() shuts the DBMS down cleanly (checkpoint included), so
                // the next start on the same data dir needs no recovery.
                neo4j.close();
            }
        };
        // SIGTERM/SIGINT from the Go side's kill path still get a clean store.
        Runtime.getRuntime().addShutdownHook(new Thread(shutdown, "neo4j-shutdown"));

        long ms = (System.nanoTime() - started) / 1_000_000;
        System.err.println("neo4j started in " + ms + " ms, data in " + data);
        // Built from the bound port: boltURI() carries a trailing slash.
        System.out.println("BOLT_URI bolt://127.0.0.1:" + neo4j.boltURI().getPort());
        System.out.flush();

        waitForEOF(System.in);
        shutdown.run();
        System.err.println("neo4j stopped");
        System.exit(0);
    }

    private static void waitForEOF(InputStream in) {
        byte[] buf = new byte[256];
        try {
            while (in.read(buf) != -1) {
                // Input is ignored; only EOF matters.
            }
        } catch (IOException e) {
            // A broken stdin means the parent is gone: shut down as on EOF.
        }
    }
}
