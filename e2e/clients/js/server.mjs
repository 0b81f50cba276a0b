// The real Go server, built once into a temporary directory and started on
// 127.0.0.1:0 with its own temporary data directory (never ./data).
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";

export const repoDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

export async function startServer(args = [], env = {}) {
  const dir = mkdtempSync(join(tmpdir(), "clients-server-"));
  const bin = process.env.CLIENTS_SERVER_BIN || join(dir, "server");
  if (!process.env.CLIENTS_SERVER_BIN) {
    execFileSync("go", ["build", "-o", bin, "./server"], { cwd: repoDir, stdio: ["ignore", "inherit", "inherit"] });
  }
  const child = spawn(bin, ["--addr", "127.0.0.1:0", "--data-dir", join(dir, "data"), ...args], {
    cwd: dir,
    env: { ...process.env, PORT: "", NEO4J_URI: "", COALITIONGRAPH_DATA_DIR: "", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout });
  const addr = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("server did not log its address within 60 s")), 60_000);
    child.once("exit", (code) => reject(new Error(`server exited with ${code} before listening`)));
    lines.on("line", (line) => {
      try {
        const rec = JSON.parse(line);
        if (rec.msg === "listening") {
          clearTimeout(timer);
          resolve(rec.addr);
        }
      } catch {
        // not a log record
      }
    });
  });
  return {
    url: `http://${addr}`,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
