// Starts the real `suanli serve` for one test file and tears it down.
//
//   const server = await startServer();   // in a before() hook
//   server.url                            // http://127.0.0.1:<port>
//   await server.stop();                  // in an after() hook
//
// The server gets a free port on 127.0.0.1 and a temporary SUANLI_HOME and
// SUANLI_MODELS. The test models are made the way a user's CLI makes them:
// make_test_model writes the GGUF files, their blobs are uploaded with
// POST /api/blobs/sha256:<hex>, then POST /api/create names them.
//
// Environment:
//   SUANLI_BIN          the server binary (default <repo>/build/bin/suanli)
//   MAKE_TEST_MODEL     the model writer (default <repo>/build/bin/make_test_model)
//   SUANLI_TEST_VERBOSE=1  copy the server's output to stderr as it runs
//   SUANLI_TEST_KEEP=1     keep the temporary directories (paths go to stderr)

import { spawn, execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SUANLI_BIN = process.env.SUANLI_BIN || path.join(REPO_ROOT, 'build', 'bin', 'suanli');
export const MAKE_TEST_MODEL =
  process.env.MAKE_TEST_MODEL || path.join(REPO_ROOT, 'build', 'bin', 'make_test_model');

export const CHAT_MODEL = 'tiny-chat';
export const EMBED_MODEL = 'tiny-embed';
export const EMBED_DIM = 64;

const STARTUP_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 10_000;
const LOG_LIMIT = 64 * 1024;

/** A free TCP port on 127.0.0.1 (the OS picks it; there is a tiny race until the server binds). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function sha256File(file) {
  return createHash('sha256').update(await readFile(file)).digest('hex');
}

async function makeModel(preset, out) {
  try {
    await execFileAsync(MAKE_TEST_MODEL, ['--preset', preset, '--out', out], { timeout: 60_000 });
  } catch (err) {
    throw new Error(`${MAKE_TEST_MODEL} --preset ${preset} failed: ${err.message}\n${err.stderr ?? ''}`);
  }
}

class Server {
  constructor() {
    this.url = null;
    this.child = null;
    this.tmp = null;
    this.log = '';
    this.exit = null; // {code, signal} once the process ended
    this.exited = null; // promise resolved on exit
  }

  /** The last LOG_LIMIT bytes of the server's stdout and stderr. */
  logTail(bytes = 4096) {
    return this.log.slice(-bytes);
  }

  appendLog(chunk) {
    const text = chunk.toString();
    if (process.env.SUANLI_TEST_VERBOSE === '1') process.stderr.write(text);
    this.log += text;
    if (this.log.length > LOG_LIMIT) this.log = this.log.slice(-LOG_LIMIT);
  }

  async start() {
    this.tmp = await mkdtemp(path.join(os.tmpdir(), 'suanli-clients-'));
    const home = path.join(this.tmp, 'home');
    const models = path.join(this.tmp, 'models');
    await mkdir(home);
    await mkdir(models);
    const port = await freePort();
    this.url = `http://127.0.0.1:${port}`;

    // Write the GGUF files while the server starts.
    const made = Promise.all([
      makeModel('tiny-chat', path.join(this.tmp, 'tiny-chat.gguf')),
      makeModel('tiny-embed', path.join(this.tmp, 'tiny-embed.gguf')),
    ]);
    made.catch(() => {}); // awaited below; avoid an unhandled rejection meanwhile

    this.child = spawn(SUANLI_BIN, ['serve'], {
      cwd: this.tmp,
      env: {
        ...process.env,
        SUANLI_HOST: `127.0.0.1:${port}`,
        SUANLI_HOME: home,
        SUANLI_MODELS: models,
        SUANLI_KEEP_ALIVE: '5m',
        SUANLI_NUM_PARALLEL: '2',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
      this.child.on('error', (err) => {
        this.appendLog(`spawn error: ${err.message}\n`);
        this.exit = { code: null, signal: null, error: err };
        resolve(this.exit);
      });
    });
    this.child.stdout.on('data', (c) => this.appendLog(c));
    this.child.stderr.on('data', (c) => this.appendLog(c));
    liveServers.add(this);

    await this.waitReady();
    await made;
    await this.createModel(CHAT_MODEL, path.join(this.tmp, 'tiny-chat.gguf'));
    await this.createModel(EMBED_MODEL, path.join(this.tmp, 'tiny-embed.gguf'));
    return this;
  }

  async waitReady() {
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    let last = 'no answer';
    while (Date.now() < deadline) {
      if (this.exit) {
        throw new Error(
          `${SUANLI_BIN} serve exited early (${JSON.stringify(this.exit)}); output:\n${this.logTail()}`,
        );
      }
      try {
        const res = await fetch(`${this.url}/`, { signal: AbortSignal.timeout(2000) });
        const body = await res.text();
        if (res.status === 200 && body.trim() === 'Ollama is running') return;
        last = `${res.status} ${JSON.stringify(body.slice(0, 200))}`;
      } catch (err) {
        last = err.cause?.code ?? err.message;
      }
      await sleep(100);
    }
    throw new Error(
      `GET ${this.url}/ did not answer "Ollama is running" within ${STARTUP_TIMEOUT_MS} ms ` +
        `(last: ${last}); output:\n${this.logTail()}`,
    );
  }

  /** Uploads a GGUF file as a blob and creates a model from it, as `ollama create` does. */
  async createModel(name, file) {
    const hex = await sha256File(file);
    const digest = `sha256:${hex}`;
    const up = await fetch(`${this.url}/api/blobs/${digest}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream' },
      body: await readFile(file),
      signal: AbortSignal.timeout(60_000),
    });
    const upBody = await up.text();
    if (up.status !== 201 && up.status !== 200) {
      throw new Error(`POST /api/blobs/${digest} for ${name}: ${up.status} ${upBody}`);
    }
    const res = await fetch(`${this.url}/api/create`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ model: name, files: { [path.basename(file)]: digest }, stream: false }),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await res.text();
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
    if (res.status !== 200 || body?.status !== 'success') {
      throw new Error(`POST /api/create ${name}: ${res.status} ${text}\n${this.logTail()}`);
    }
  }

  /** SIGTERM, then SIGKILL after STOP_GRACE_MS; removes the temporary directories. */
  async stop() {
    if (this.child && !this.exit) {
      this.child.kill('SIGTERM');
      let timer;
      const timeout = new Promise((r) => {
        timer = setTimeout(() => r('timeout'), STOP_GRACE_MS);
      });
      const first = await Promise.race([this.exited, timeout]);
      clearTimeout(timer);
      if (first === 'timeout') {
        process.stderr.write(`suanli serve did not exit ${STOP_GRACE_MS} ms after SIGTERM; killing it\n`);
        this.child.kill('SIGKILL');
        await this.exited;
      }
      if (this.exit && this.exit.code !== 0) {
        process.stderr.write(
          `suanli serve ended with ${JSON.stringify(this.exit)} after SIGTERM; output:\n${this.logTail()}\n`,
        );
      }
    }
    liveServers.delete(this);
    if (this.tmp) {
      if (process.env.SUANLI_TEST_KEEP === '1') {
        process.stderr.write(`kept ${this.tmp}\n`);
      } else {
        await rm(this.tmp, { recursive: true, force: true });
      }
      this.tmp = null;
    }
  }
}

// Never leave a server behind, even when a test file crashes.
const liveServers = new Set();
process.on('exit', () => {
  for (const s of liveServers) {
    if (s.child && !s.exit) s.child.kill('SIGKILL');
  }
});

/** Starts a server with tiny-chat and tiny-embed created; call stop() when done. */
export async function startServer() {
  const server = new Server();
  try {
    return await server.start();
  } catch (err) {
    await server.stop().catch(() => {});
    throw err;
  }
}

/** Euclidean norm of a vector. */
export function l2norm(v) {
  return Math.sqrt(v.reduce((s, x) => s + x * x, 0));
}

/** Asserts-friendly check: a non-negative integer (JSON number without a fraction). */
export function isCount(x) {
  return Number.isInteger(x) && x >= 0;
}

/** Runs fn and returns the error it throws (fails when it does not throw). */
export async function thrown(fn) {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to throw');
}

/** LangChain's usage_metadata: positive input, 1..maxOutput output, and their sum. */
export function checkUsageMetadata(u, maxOutput) {
  if (!u) throw new Error('no usage_metadata');
  if (!(Number.isInteger(u.input_tokens) && u.input_tokens > 0)) throw new Error(`input_tokens = ${u.input_tokens}`);
  if (!(Number.isInteger(u.output_tokens) && u.output_tokens >= 1 && u.output_tokens <= maxOutput)) {
    throw new Error(`output_tokens = ${u.output_tokens}`);
  }
  if (u.total_tokens !== u.input_tokens + u.output_tokens) throw new Error(`total_tokens = ${u.total_tokens}`);
}
