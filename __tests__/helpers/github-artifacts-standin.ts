/**
 * A stand-in for the GitHub REST endpoints a baseline is fetched through, on 127.0.0.1, written from
 * src/action/baseline.ts and node_modules/@actions/artifact/lib/internal/download/download-artifact.js:
 *
 * - `GET /repos/{o}/{r}` → the repository with its `default_branch`.
 * - `GET /repos/{o}/{r}/actions/workflows/{file}/runs?branch&status&event&per_page&page` → runs of that
 *   workflow, newest first; `status` takes a status (`completed`) or a conclusion (`success`), as
 *   GitHub's does; an unknown workflow file is 404.
 * - `GET /repos/{o}/{r}/actions/runs/{id}/artifacts` → `{ total_count, artifacts }` pages with `Link`
 *   headers; an unknown run is 404.
 * - `GET /repos/{o}/{r}/actions/artifacts/{id}/zip` → 302 to a signed URL on a second server (the
 *   "blob storage"), 410 once the artifact has expired. @actions/artifact asks with `redirect: manual`
 *   and fetches the `Location` itself; the blob server records the headers it got, so a test can tell
 *   whether the token followed the redirect.
 * - 401 for a wrong token; `access = 'forbidden'` answers 403 on every `/actions/` route, as GitHub does
 *   for a GITHUB_TOKEN without `actions: read`.
 *
 * `buildZip` writes the archive the blob serves: deflated entries with sizes and CRC-32 in the local
 * headers, then the central directory, as upload-artifact's zips are read by unzip-stream.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deflateRawSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, byte) => {
  let value = byte;
  for (let bit = 0; bit < 8; bit += 1) value = value & 1 ? 0xedb88320 ^ (value >>> 1) : value >>> 1;
  return value >>> 0;
});

/** CRC-32 (IEEE), as zip entries carry it. */
export function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** A zip of `files` (name → content), each entry deflated; no data descriptors, no zip64. */
export function buildZip(files: Record<string, string | Buffer>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
    const compressed = deflateRawSync(data);
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    // Shared by the local header (from offset 4) and the central header (from offset 6).
    const common = Buffer.alloc(26);
    common.writeUInt16LE(20, 0); // version needed: 2.0 (deflate)
    common.writeUInt16LE(0x0800, 2); // flags: UTF-8 names
    common.writeUInt16LE(8, 4); // method: deflate
    common.writeUInt16LE(0, 6); // time
    common.writeUInt16LE(0x21, 8); // date: 1980-01-01
    common.writeUInt32LE(crc, 10);
    common.writeUInt32LE(compressed.length, 14);
    common.writeUInt32LE(data.length, 18);
    common.writeUInt16LE(nameBytes.length, 22);
    common.writeUInt16LE(0, 24); // extra length
    const local = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), common, nameBytes, compressed]);
    // Comment length, disk, internal and external attributes (all zero), then the local header's offset.
    const centralTail = Buffer.alloc(14);
    centralTail.writeUInt32LE(offset, 10);
    const central = Buffer.concat([
      Buffer.from([0x50, 0x4b, 0x01, 0x02]),
      Buffer.from([20, 0x03]), // version made by: 2.0, Unix
      common,
      centralTail,
      nameBytes,
    ]);
    locals.push(local);
    centrals.push(central);
    offset += local.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(centrals.length, 8);
  end.writeUInt16LE(centrals.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** An artifact of a run, as the test describes it. */
export interface StandinArtifact {
  id: number;
  name: string;
  /** The archive served from blob storage. */
  zip: Buffer;
  expired?: boolean;
  /** ISO time; default the run's. */
  createdAt?: string;
}

/** A workflow run, as the test describes it. */
export interface StandinRun {
  id: number;
  /** Workflow file name under .github/workflows; default `bench.yml`. */
  workflow?: string;
  headBranch: string;
  /** Default `push`. */
  event?: string;
  /** Default `completed`. */
  status?: 'completed' | 'in_progress' | 'queued';
  conclusion: 'success' | 'failure' | 'cancelled' | null;
  /** ISO time; runs are listed newest first. */
  createdAt: string;
  /** `owner/repo` the head commit is in; a fork's PR names the fork. Default this repository. */
  headRepository?: string;
  artifacts: StandinArtifact[];
}

/** A request one of the two servers received. */
export interface ArtifactsStandinRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
  status: number;
}

const STATUSES = new Set([
  'completed',
  'action_required',
  'in_progress',
  'queued',
  'requested',
  'waiting',
  'pending',
]);

/** The stand-in: API and blob servers. Start with `GitHubArtifactsStandin.start()`, close in afterAll. */
export class GitHubArtifactsStandin {
  readonly apiRequests: ArtifactsStandinRequest[] = [];
  readonly blobRequests: ArtifactsStandinRequest[] = [];
  runs: StandinRun[] = [];
  access: 'ok' | 'forbidden' = 'ok';
  readonly repositoryId = 4242;
  private readonly signature = randomBytes(8).toString('hex');

  private constructor(
    private readonly api: Server,
    private readonly blob: Server,
    readonly owner: string,
    readonly repo: string,
    readonly token: string,
    readonly defaultBranch: string,
  ) {}

  static async start(
    options: { owner?: string; repo?: string; token?: string; defaultBranch?: string } = {},
  ): Promise<GitHubArtifactsStandin> {
    const api = createServer();
    const blob = createServer();
    await Promise.all(
      [api, blob].map((server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))),
    );
    const standin = new GitHubArtifactsStandin(
      api,
      blob,
      options.owner ?? 'exo-explore',
      options.repo ?? 'bench',
      options.token ?? 'ghs_baseline_token_0123456789',
      options.defaultBranch ?? 'main',
    );
    api.on('request', (request, response) => standin.handleApi(request, response));
    blob.on('request', (request, response) => standin.handleBlob(request, response));
    return standin;
  }

  /** The API root to give as GITHUB_API_URL. */
  get apiUrl(): string {
    return `http://127.0.0.1:${(this.api.address() as AddressInfo).port}`;
  }

  /** The blob storage's origin (another port: another host as far as a client is concerned). */
  get blobUrl(): string {
    return `http://127.0.0.1:${(this.blob.address() as AddressInfo).port}`;
  }

  get repository(): string {
    return `${this.owner}/${this.repo}`;
  }

  /** Forgets received requests. */
  resetRequests(): void {
    this.apiRequests.length = 0;
    this.blobRequests.length = 0;
  }

  async close(): Promise<void> {
    // Octokit's fetch keeps connections alive; close them or the servers never finish closing.
    await Promise.all(
      [this.api, this.blob].map((server) => {
        server.closeAllConnections();
        return new Promise<void>((resolve, reject) =>
          server.close((error) => (error ? reject(error) : resolve())),
        );
      }),
    );
  }

  private record(
    list: ArtifactsStandinRequest[],
    request: IncomingMessage,
    url: URL,
  ): ArtifactsStandinRequest {
    const record: ArtifactsStandinRequest = {
      method: request.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: request.headers.authorization,
      status: 0,
    };
    list.push(record);
    return record;
  }

  private runView(run: StandinRun): Record<string, unknown> {
    const workflow = run.workflow ?? 'bench.yml';
    const head = run.headRepository ?? this.repository;
    return {
      id: run.id,
      name: 'Benchmarks',
      head_branch: run.headBranch,
      head_sha: run.id.toString(16).padStart(40, '0'),
      path: `.github/workflows/${workflow}`,
      run_number: run.id % 1000,
      run_attempt: 1,
      event: run.event ?? 'push',
      status: run.status ?? 'completed',
      conclusion: run.conclusion,
      workflow_id: 161335,
      created_at: run.createdAt,
      updated_at: run.createdAt,
      html_url: `https://github.com/${this.repository}/actions/runs/${run.id}`,
      repository: { id: this.repositoryId, full_name: this.repository },
      head_repository: {
        id: head === this.repository ? this.repositoryId : this.repositoryId + 1,
        full_name: head,
      },
    };
  }

  private artifactView(run: StandinRun, artifact: StandinArtifact): Record<string, unknown> {
    const createdAt = artifact.createdAt ?? run.createdAt;
    return {
      id: artifact.id,
      node_id: `MDg6QXJ0aWZhY3Q${artifact.id}`,
      name: artifact.name,
      size_in_bytes: artifact.zip.length,
      url: `${this.apiUrl}/repos/${this.repository}/actions/artifacts/${artifact.id}`,
      archive_download_url: `${this.apiUrl}/repos/${this.repository}/actions/artifacts/${artifact.id}/zip`,
      expired: artifact.expired ?? false,
      created_at: createdAt,
      updated_at: createdAt,
      expires_at: new Date(Date.parse(createdAt) + 90 * 86_400_000).toISOString(),
      workflow_run: { id: run.id, head_branch: run.headBranch },
    };
  }

  private handleApi(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', this.apiUrl);
    const record = this.record(this.apiRequests, request, url);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      record.status = status;
      response.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '4999',
        'x-github-api-version-selected': '2022-11-28',
        ...headers,
      });
      response.end(body === undefined ? '' : JSON.stringify(body));
    };
    const docs = 'https://docs.github.com/rest/actions';
    const notFound = (): void => send(404, { message: 'Not Found', documentation_url: docs, status: '404' });
    if (request.headers.authorization !== `token ${this.token}`) {
      send(401, {
        message: 'Bad credentials',
        documentation_url: 'https://docs.github.com/rest',
        status: '401',
      });
      return;
    }
    const prefix = `/repos/${this.owner}/${this.repo}`;
    if (request.method !== 'GET' || !url.pathname.startsWith(prefix)) {
      notFound();
      return;
    }
    const route = url.pathname.slice(prefix.length);
    if (route === '') {
      send(200, {
        id: this.repositoryId,
        name: this.repo,
        full_name: this.repository,
        private: true,
        default_branch: this.defaultBranch,
        owner: { login: this.owner },
      });
      return;
    }
    if (route.startsWith('/actions/') && this.access === 'forbidden') {
      send(403, {
        message: 'Resource not accessible by integration',
        documentation_url: docs,
        status: '403',
      });
      return;
    }
    const query = record.query;
    const perPage = Math.min(100, Math.max(1, Number(query.per_page ?? '30') || 30));
    const page = Math.max(1, Number(query.page ?? '1') || 1);
    const paged = <T>(items: T[]): { slice: T[]; headers: Record<string, string> } => {
      const last = Math.max(1, Math.ceil(items.length / perPage));
      const link = (n: number, rel: string): string => {
        const next = new URL(url.href);
        next.searchParams.set('page', String(n));
        return `<${next.href}>; rel="${rel}"`;
      };
      return {
        slice: items.slice((page - 1) * perPage, page * perPage),
        headers: page < last ? { link: `${link(page + 1, 'next')}, ${link(last, 'last')}` } : {},
      };
    };

    const runs = /^\/actions\/workflows\/([^/]+)\/runs$/.exec(route);
    if (runs) {
      const workflow = decodeURIComponent(runs[1] ?? '');
      const ofWorkflow = this.runs.filter((run) => (run.workflow ?? 'bench.yml') === workflow);
      if (ofWorkflow.length === 0) {
        notFound();
        return;
      }
      const status = query.status;
      const matching = ofWorkflow
        .filter((run) => query.branch === undefined || run.headBranch === query.branch)
        .filter((run) => query.event === undefined || (run.event ?? 'push') === query.event)
        .filter(
          (run) =>
            status === undefined ||
            (STATUSES.has(status) ? (run.status ?? 'completed') === status : run.conclusion === status),
        )
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id);
      const { slice, headers } = paged(matching);
      send(
        200,
        { total_count: matching.length, workflow_runs: slice.map((run) => this.runView(run)) },
        headers,
      );
      return;
    }

    const artifacts = /^\/actions\/runs\/(\d+)\/artifacts$/.exec(route);
    if (artifacts) {
      const run = this.runs.find((candidate) => candidate.id === Number(artifacts[1]));
      if (!run) {
        notFound();
        return;
      }
      const named = run.artifacts.filter(
        (artifact) => query.name === undefined || artifact.name === query.name,
      );
      const { slice, headers } = paged(named);
      send(
        200,
        { total_count: named.length, artifacts: slice.map((artifact) => this.artifactView(run, artifact)) },
        headers,
      );
      return;
    }

    const zip = /^\/actions\/artifacts\/(\d+)\/zip$/.exec(route);
    if (zip) {
      const artifact = this.findArtifact(Number(zip[1]));
      if (!artifact) {
        notFound();
        return;
      }
      if (artifact.expired === true) {
        send(410, { message: 'Artifact has expired', documentation_url: docs, status: '410' });
        return;
      }
      // As GitHub's: a short-lived signed URL on another host, to be fetched without the API token.
      const location = new URL(
        `/actions-results/${this.repositoryId}/artifacts/${artifact.id}.zip`,
        this.blobUrl,
      );
      location.search = `rsct=application%2Fzip&se=2099-01-01T00%3A00%3A00Z&sp=r&sv=2023-11-03&sr=b&sig=${this.signature}`;
      send(302, undefined, { location: location.href, 'content-length': '0' });
      return;
    }
    notFound();
  }

  private findArtifact(id: number): StandinArtifact | undefined {
    for (const run of this.runs) {
      const artifact = run.artifacts.find((candidate) => candidate.id === id);
      if (artifact) return artifact;
    }
    return undefined;
  }

  private handleBlob(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', this.blobUrl);
    const record = this.record(this.blobRequests, request, url);
    const match = /^\/actions-results\/\d+\/artifacts\/(\d+)\.zip$/.exec(url.pathname);
    const artifact = match ? this.findArtifact(Number(match[1])) : undefined;
    if (request.method !== 'GET' || url.searchParams.get('sig') !== this.signature || !artifact) {
      // Azure's answer to a URL without a valid signature.
      record.status = 403;
      response.writeHead(403, { 'content-type': 'application/xml' });
      response.end('<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthenticationFailed</Code></Error>');
      return;
    }
    record.status = 200;
    response.writeHead(200, {
      'content-type': 'application/zip',
      'content-length': String(artifact.zip.length),
      'content-disposition': `attachment; filename="${artifact.name}.zip"`,
    });
    response.end(artifact.zip);
  }
}
