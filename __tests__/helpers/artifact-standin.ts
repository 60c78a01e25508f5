/**
 * A stand-in for the service `@actions/artifact` (v2+ protocol) uploads to, on 127.0.0.1, written from
 * node_modules/@actions/artifact/lib/internal/{upload,shared}:
 *
 * - `ACTIONS_RESULTS_URL` is the origin of the Twirp JSON service; `ACTIONS_RUNTIME_TOKEN` a JWT whose
 *   `scp` claim holds `Actions.Results:<workflowRunBackendId>:<workflowJobRunBackendId>` (only decoded,
 *   never verified, by the client), sent back as `Authorization: Bearer <token>`.
 * - `POST /twirp/github.actions.results.api.v1.ArtifactService/CreateArtifact` with
 *   `{workflow_run_backend_id, workflow_job_run_backend_id, name, mime_type, version}` (proto field
 *   names) → `{ok, signed_upload_url}`.
 * - The zip goes to the signed URL through Azure's BlockBlobClient.uploadStream: one
 *   `PUT ?comp=block&blockid=<base64>` per chunk, then `PUT ?comp=blocklist` with an XML `<BlockList>`.
 * - `.../FinalizeArtifact` with `{..., name, size, hash: "sha256:<hex>"}` → `{ok, artifact_id}` (int64
 *   as a string).
 *
 * - Downloads, as merge mode makes them (download-artifact's default path, no token): `.../ListArtifacts`
 *   with `{workflow_run_backend_id, workflow_job_run_backend_id, name_filter?, id_filter?}` → every
 *   finalized artifact of the run, whichever job uploaded it (`{artifacts: [{workflow_run_backend_id,
 *   workflow_job_run_backend_id, database_id, name, size, created_at}]}`, int64 as strings);
 *   `.../GetSignedArtifactURL` with the listed artifact's backend ids and name → `{signed_url}`; then a
 *   plain `GET` of the signed URL answers the zip as `application/zip`.
 * - Each job of a run has its own runtime token (`env(job)`): the same run backend id, a job backend id
 *   of its own; an artifact remembers the job that uploaded it.
 *
 * Errors answer the way Twirp does (`{code, msg}` JSON): the client retries 5xx/429 with back-off and
 * fails at once on other statuses, so tests use 403 to fail fast.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inflateRawSync } from 'node:zlib';

const SERVICE_PATH = '/twirp/github.actions.results.api.v1.ArtifactService/';

/** An artifact as finalized by the client. */
export interface UploadedArtifact {
  id: number;
  name: string;
  workflowRunBackendId: string;
  workflowJobRunBackendId: string;
  mimeType: string | undefined;
  /** The committed blob (the zip). */
  bytes: Buffer;
  /** What FinalizeArtifact reported. */
  reportedSize: number;
  reportedHash: string | undefined;
}

/** How the stand-in misbehaves, for failure-path tests. */
export interface ArtifactStandinFault {
  method: 'CreateArtifact' | 'FinalizeArtifact';
  status: number;
  msg?: string;
}

/** A request the stand-in answered. */
export interface ArtifactStandinRequest {
  method: string;
  path: string;
  status: number;
}

interface PendingArtifact {
  name: string;
  workflowRunBackendId: string;
  workflowJobRunBackendId: string;
  mimeType: string | undefined;
  blobPath: string;
  blocks: Map<string, Buffer>;
  committed: Buffer | undefined;
}

function base64Url(value: string): string {
  return Buffer.from(value).toString('base64url');
}

/** A runtime token shaped like the runner's: an unsigned JWT with the Actions.Results scope. */
export function runtimeToken(workflowRunBackendId: string, workflowJobRunBackendId: string): string {
  const header = base64Url(JSON.stringify({ typ: 'JWT', alg: 'RS256' }));
  const payload = base64Url(
    JSON.stringify({
      scp: `Actions.GenericRead:00000000-0000-0000-0000-000000000000 Actions.Results:${workflowRunBackendId}:${workflowJobRunBackendId}`,
      exp: Math.floor(Date.now() / 1000) + 3600,
    }),
  );
  return `${header}.${payload}.${base64Url('not-a-signature')}`;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The stand-in server. Start with `ArtifactStandin.start()`, close in afterAll. */
export class ArtifactStandin {
  readonly workflowRunBackendId = 'c0ffee00-0000-4000-8000-000000000001';
  readonly workflowJobRunBackendId = 'c0ffee00-0000-4000-8000-000000000002';
  readonly token = runtimeToken(this.workflowRunBackendId, this.workflowJobRunBackendId);
  /** Runtime token → the job backend id it was issued for (the default job's included). */
  private readonly jobTokens = new Map<string, string>([[this.token, this.workflowJobRunBackendId]]);
  /** Names of the artifacts whose zip was fetched through a signed URL, in order. */
  readonly downloads: string[] = [];
  readonly requests: ArtifactStandinRequest[] = [];
  readonly artifacts: UploadedArtifact[] = [];
  /** Problems the stand-in saw in the client's requests (a test expects none). */
  readonly protocolErrors: string[] = [];
  fault: ArtifactStandinFault | undefined;
  private readonly pending = new Map<string, PendingArtifact>();
  private readonly signature = randomBytes(8).toString('hex');
  private nextId = 9001;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  /** Starts on a free port of 127.0.0.1. */
  static async start(): Promise<ArtifactStandin> {
    // The handler needs the instance, which needs the listening server's port.
    const created: { standin?: ArtifactStandin } = {};
    const server = createServer((req, res) => {
      void created.standin?.handle(req, res).catch((error: unknown) => {
        created.standin?.protocolErrors.push(`handler: ${String(error)}`);
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    created.standin = new ArtifactStandin(server, `http://127.0.0.1:${port}/`);
    return created.standin;
  }

  /**
   * The variables the runner gives a step so `@actions/artifact` finds this service. With `job`, the
   * token of that job of the run (its own job backend id, as each job of a real run has); without, the
   * default job's.
   */
  env(job?: string): Record<string, string> {
    if (job === undefined) return { ACTIONS_RUNTIME_TOKEN: this.token, ACTIONS_RESULTS_URL: this.url };
    const jobId = `job-${createHash('sha256').update(job).digest('hex').slice(0, 12)}`;
    const token = runtimeToken(this.workflowRunBackendId, jobId);
    this.jobTokens.set(token, jobId);
    return { ACTIONS_RUNTIME_TOKEN: token, ACTIONS_RESULTS_URL: this.url };
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private answer(req: IncomingMessage, res: ServerResponse, status: number, body?: unknown): void {
    this.requests.push({ method: req.method ?? '', path: (req.url ?? '').split('?')[0] ?? '', status });
    if (body === undefined) {
      res.writeHead(status, { 'content-length': '0' }).end();
      return;
    }
    const text = JSON.stringify(body);
    res
      .writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
      .end(text);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const body = await readBody(req);
    if (url.pathname.startsWith(SERVICE_PATH)) return this.twirp(req, res, url, body);
    if (url.pathname.startsWith('/blob/')) return this.blob(req, res, url, body);
    this.answer(req, res, 404, { code: 'not_found', msg: `no route ${url.pathname}` });
  }

  private twirp(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): void {
    const method = url.pathname.slice(SERVICE_PATH.length);
    if (req.method !== 'POST') return this.answer(req, res, 405, { code: 'bad_route', msg: 'POST only' });
    const tokenJob = this.jobTokens.get(String(req.headers.authorization).replace(/^Bearer /, ''));
    if (tokenJob === undefined) {
      this.protocolErrors.push(`${method}: authorization header ${String(req.headers.authorization)}`);
      return this.answer(req, res, 401, { code: 'unauthenticated', msg: 'bad token' });
    }
    if (!String(req.headers['content-type']).startsWith('application/json'))
      this.protocolErrors.push(`${method}: content-type ${String(req.headers['content-type'])}`);
    if (this.fault?.method === method) {
      return this.answer(req, res, this.fault.status, {
        code: 'permission_denied',
        msg: this.fault.msg ?? 'the stand-in was told to refuse',
      });
    }
    const request = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    const runId = request.workflow_run_backend_id;
    const jobId = request.workflow_job_run_backend_id;
    if (method === 'ListArtifacts') return this.list(req, res, request, tokenJob);
    if (method === 'GetSignedArtifactURL') return this.signedUrl(req, res, request);
    if (runId !== this.workflowRunBackendId || jobId !== tokenJob)
      this.protocolErrors.push(`${method}: backend ids ${String(runId)}/${String(jobId)}`);
    const name = String(request.name);
    if (method === 'CreateArtifact') {
      if (this.artifacts.some((a) => a.name === name) || this.pending.has(name)) {
        // The real service answers 409 for a name already used in the run.
        return this.answer(req, res, 409, { code: 'already_exists', msg: `artifact ${name} exists` });
      }
      if (request.version !== 7)
        this.protocolErrors.push(`CreateArtifact: version ${String(request.version)}`);
      const blobPath = `/blob/actions-results/${encodeURIComponent(name)}.zip`;
      this.pending.set(name, {
        name,
        workflowRunBackendId: String(runId),
        workflowJobRunBackendId: String(jobId),
        mimeType: typeof request.mime_type === 'string' ? request.mime_type : undefined,
        blobPath,
        blocks: new Map(),
        committed: undefined,
      });
      const signedUploadUrl = new URL(blobPath, this.url);
      signedUploadUrl.search = `sv=2023-11-03&sp=cw&sr=b&sig=${this.signature}`;
      return this.answer(req, res, 200, { ok: true, signed_upload_url: signedUploadUrl.href });
    }
    if (method === 'FinalizeArtifact') {
      const pending = this.pending.get(name);
      if (!pending?.committed) {
        this.protocolErrors.push(`FinalizeArtifact: ${name} has no committed blob`);
        return this.answer(req, res, 404, { code: 'not_found', msg: `no upload for ${name}` });
      }
      const bytes = pending.committed;
      const reportedSize = Number(request.size);
      const reportedHash = typeof request.hash === 'string' ? request.hash : undefined;
      if (reportedSize !== bytes.length)
        this.protocolErrors.push(`FinalizeArtifact: size ${reportedSize} ≠ uploaded ${bytes.length}`);
      const sha256 = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
      if (reportedHash !== sha256)
        this.protocolErrors.push(`FinalizeArtifact: hash ${String(reportedHash)} ≠ ${sha256}`);
      this.pending.delete(name);
      const id = this.nextId++;
      this.artifacts.push({
        id,
        name,
        workflowRunBackendId: pending.workflowRunBackendId,
        workflowJobRunBackendId: pending.workflowJobRunBackendId,
        mimeType: pending.mimeType,
        bytes,
        reportedSize,
        reportedHash,
      });
      return this.answer(req, res, 200, { ok: true, artifact_id: String(id) });
    }
    this.answer(req, res, 404, { code: 'bad_route', msg: `no method ${method}` });
  }

  /** ListArtifacts: every finalized artifact of the run, whichever job uploaded it, filtered as asked. */
  private list(
    req: IncomingMessage,
    res: ServerResponse,
    request: Record<string, unknown>,
    tokenJob: string,
  ): void {
    if (
      request.workflow_run_backend_id !== this.workflowRunBackendId ||
      request.workflow_job_run_backend_id !== tokenJob
    )
      this.protocolErrors.push(
        `ListArtifacts: backend ids ${String(request.workflow_run_backend_id)}/${String(request.workflow_job_run_backend_id)}`,
      );
    const nameFilter = typeof request.name_filter === 'string' ? request.name_filter : undefined;
    const idFilter = request.id_filter === undefined ? undefined : Number(request.id_filter);
    const artifacts = this.artifacts
      .filter(
        (a) =>
          (nameFilter === undefined || a.name === nameFilter) &&
          (idFilter === undefined || a.id === idFilter),
      )
      .map((a) => ({
        workflow_run_backend_id: a.workflowRunBackendId,
        workflow_job_run_backend_id: a.workflowJobRunBackendId,
        database_id: String(a.id),
        name: a.name,
        size: String(a.bytes.length),
        created_at: new Date().toISOString(),
      }));
    this.answer(req, res, 200, { artifacts });
  }

  /** GetSignedArtifactURL: a signed URL of the artifact's blob, from the uploading job's ids and the name. */
  private signedUrl(req: IncomingMessage, res: ServerResponse, request: Record<string, unknown>): void {
    const artifact = this.artifacts.find(
      (a) =>
        a.name === request.name &&
        a.workflowRunBackendId === request.workflow_run_backend_id &&
        a.workflowJobRunBackendId === request.workflow_job_run_backend_id,
    );
    if (!artifact) {
      this.protocolErrors.push(`GetSignedArtifactURL: no artifact ${String(request.name)} of that job`);
      return this.answer(req, res, 404, { code: 'not_found', msg: `no artifact ${String(request.name)}` });
    }
    const url = new URL(`/blob/actions-results/${encodeURIComponent(artifact.name)}.zip`, this.url);
    url.search = `sv=2023-11-03&sp=r&sr=b&sig=${this.signature}`;
    this.answer(req, res, 200, { signed_url: url.href });
  }

  private blob(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): void {
    if (req.method === 'GET') {
      const artifact = this.artifacts.find(
        (a) => url.pathname === `/blob/actions-results/${encodeURIComponent(a.name)}.zip`,
      );
      if (!artifact) return this.answer(req, res, 404);
      if (url.searchParams.get('sig') !== this.signature) {
        this.protocolErrors.push(`blob GET ${url.pathname}: signature missing`);
        return this.answer(req, res, 403);
      }
      this.downloads.push(artifact.name);
      this.requests.push({ method: 'GET', path: url.pathname, status: 200 });
      res
        .writeHead(200, { 'content-type': 'application/zip', 'content-length': artifact.bytes.length })
        .end(artifact.bytes);
      return;
    }
    const pending = [...this.pending.values()].find((p) => p.blobPath === url.pathname);
    if (!pending) return this.answer(req, res, 404);
    if (req.method !== 'PUT') return this.answer(req, res, 405);
    if (url.searchParams.get('sig') !== this.signature) {
      this.protocolErrors.push(`blob ${url.pathname}: signature missing`);
      return this.answer(req, res, 403);
    }
    const comp = url.searchParams.get('comp');
    if (comp === 'block') {
      const blockId = url.searchParams.get('blockid');
      if (!blockId) return this.answer(req, res, 400);
      pending.blocks.set(blockId, body);
      return this.answer(req, res, 201);
    }
    if (comp === 'blocklist') {
      const ids = [...body.toString('utf8').matchAll(/<(Latest|Committed|Uncommitted)>([^<]*)<\/\1>/g)].map(
        (match) => match[2] ?? '',
      );
      const parts: Buffer[] = [];
      for (const id of ids) {
        const block = pending.blocks.get(id);
        if (!block) {
          this.protocolErrors.push(`blocklist names unknown block ${id}`);
          return this.answer(req, res, 400);
        }
        parts.push(block);
      }
      pending.committed = Buffer.concat(parts);
      return this.answer(req, res, 201);
    }
    if (comp === null && req.headers['x-ms-blob-type'] === 'BlockBlob') {
      // A single-shot upload (uploadData of small buffers); uploadStream does not use it today.
      pending.committed = body;
      return this.answer(req, res, 201);
    }
    this.protocolErrors.push(`blob: unexpected PUT ${url.search}`);
    this.answer(req, res, 400);
  }
}

/** One file of a zip archive. */
export interface ZipEntry {
  name: string;
  data: Buffer;
}

/**
 * Reads a zip archive from its central directory (archiver streams entries with data descriptors, so
 * the local headers carry no sizes). Handles stored and deflated entries; enough for artifacts.
 */
export function readZip(zip: Buffer): ZipEntry[] {
  const eocdSignature = 0x06054b50;
  let eocd = -1;
  for (let offset = zip.length - 22; offset >= Math.max(0, zip.length - 22 - 0xffff); offset -= 1) {
    if (zip.readUInt32LE(offset) === eocdSignature) {
      eocd = offset;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip archive: no end-of-central-directory record');
  const count = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i += 1) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error(`bad central directory entry ${i}`);
    const method = zip.readUInt16LE(offset + 10);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const size = zip.readUInt32LE(offset + 24);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const localOffset = zip.readUInt32LE(offset + 42);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    offset += 46 + nameLength + extraLength + commentLength;
    if (zip.readUInt32LE(localOffset) !== 0x04034b50) throw new Error(`bad local header of ${name}`);
    const dataStart =
      localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    const raw = zip.subarray(dataStart, dataStart + compressedSize);
    const data = method === 0 ? Buffer.from(raw) : method === 8 ? inflateRawSync(raw) : undefined;
    if (!data) throw new Error(`${name}: compression method ${method} not supported`);
    if (data.length !== size) throw new Error(`${name}: ${data.length} bytes, expected ${size}`);
    entries.push({ name, data });
  }
  return entries;
}
