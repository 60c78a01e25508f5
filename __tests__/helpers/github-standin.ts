/**
 * A stand-in for the GitHub REST endpoints that list self-hosted runners, on 127.0.0.1. It answers
 * the way GitHub does: `{ total_count, runners }` pages, `Link` headers with absolute URLs to
 * `/repositories/{id}/...` (as GitHub writes them), `x-ratelimit-*` headers on every answer, 401 for a
 * wrong token, and it can be told to refuse (403), not find (404) or rate-limit (403/429) requests.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One runner as the test describes it. */
export interface StandinRunner {
  name: string;
  status?: 'online' | 'offline';
  busy?: boolean;
  labels: string[];
}

/** A canned answer for the next list request(s). */
export interface StandinFault {
  status: number;
  headers?: Record<string, string>;
  message?: string;
  /** Only answer this way for this page (1-based); default any page. */
  page?: number;
  /** Never answer (until the server closes): for request timeouts. */
  hang?: boolean;
}

/** A request the stand-in received. */
export interface StandinRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
  status: number;
}

export interface StandinOptions {
  owner?: string;
  repo?: string;
  org?: string;
  /** The token that is accepted; anything else gets 401. */
  token?: string;
  /** GitHub caps per_page at 100; tests may lower the cap to get several pages from few runners. */
  maxPerPage?: number;
  /** `forbidden`: 403 as for GITHUB_TOKEN without Administration; `not-found`: 404. */
  access?: 'ok' | 'forbidden' | 'not-found';
}

const REPOSITORY_ID = 4242;
const ORGANIZATION_ID = 77;

/** The stand-in server. Start with `GitHubStandin.start()`, close in afterAll. */
export class GitHubStandin {
  readonly baseUrl: string;
  readonly requests: StandinRequest[] = [];
  runners: StandinRunner[] = [];
  access: 'ok' | 'forbidden' | 'not-found';
  /** Called before each first-page request with how many listings were started (1-based). */
  onListing: ((listing: number, standin: GitHubStandin) => void) | undefined;
  private listings = 0;
  private readonly faults: StandinFault[] = [];

  private constructor(
    private readonly server: Server,
    private readonly options: Required<Omit<StandinOptions, 'access'>>,
    access: StandinOptions['access'],
  ) {
    const { port } = server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.access = access ?? 'ok';
  }

  static async start(options: StandinOptions = {}): Promise<GitHubStandin> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const standin = new GitHubStandin(
      server,
      {
        owner: options.owner ?? 'exo-explore',
        repo: options.repo ?? 'bench',
        org: options.org ?? 'exo-explore',
        token: options.token ?? 'ghp_standin_token_0123456789',
        maxPerPage: options.maxPerPage ?? 100,
      },
      options.access,
    );
    server.on('request', (request, response) => standin.handle(request, response));
    return standin;
  }

  get token(): string {
    return this.options.token;
  }

  /** Replaces the runner list. */
  setRunners(runners: StandinRunner[]): void {
    this.runners = runners;
  }

  /** Answers the next matching list request with `fault` instead of runners (queued, first in first out). */
  enqueueFault(fault: StandinFault): void {
    this.faults.push(fault);
  }

  /** Drops faults not yet served. */
  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Requests that reached a runner-listing route. */
  get listRequests(): StandinRequest[] {
    return this.requests.filter((request) => request.path.endsWith('/actions/runners'));
  }

  /** Forgets received requests (not runners or faults). */
  resetRequests(): void {
    this.requests.length = 0;
    this.listings = 0;
  }

  async close(): Promise<void> {
    // Octokit's fetch keeps connections alive; close them or the server never finishes closing.
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      this.server.close((error) => (error ? reject(error) : resolve())),
    );
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', this.baseUrl);
    const query = Object.fromEntries(url.searchParams);
    const record: StandinRequest = {
      method: request.method ?? 'GET',
      path: url.pathname,
      query,
      authorization: request.headers.authorization,
      status: 0,
    };
    this.requests.push(record);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      record.status = status;
      response.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '4999',
        'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
        'x-ratelimit-resource': 'core',
        ...headers,
      });
      response.end(JSON.stringify(body));
    };
    const docs = 'https://docs.github.com/rest/actions/self-hosted-runners';

    const o = this.options;
    const repoPaths = [
      `/repos/${o.owner}/${o.repo}/actions/runners`,
      `/repositories/${REPOSITORY_ID}/actions/runners`,
    ];
    const orgPaths = [`/orgs/${o.org}/actions/runners`, `/organizations/${ORGANIZATION_ID}/actions/runners`];
    const isRepo = repoPaths.includes(url.pathname);
    const isOrg = orgPaths.includes(url.pathname);
    if (request.method !== 'GET' || (!isRepo && !isOrg)) {
      send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' });
      return;
    }
    if (request.headers.authorization !== `token ${o.token}`) {
      send(401, {
        message: 'Bad credentials',
        documentation_url: 'https://docs.github.com/rest',
        status: '401',
      });
      return;
    }
    if (this.access === 'forbidden') {
      send(403, {
        message: 'Resource not accessible by integration',
        documentation_url: docs,
        status: '403',
      });
      return;
    }
    if (this.access === 'not-found') {
      send(404, { message: 'Not Found', documentation_url: docs, status: '404' });
      return;
    }

    const page = Math.max(1, Number(query.page ?? '1') || 1);
    const faultIndex = this.faults.findIndex((fault) => fault.page === undefined || fault.page === page);
    if (faultIndex >= 0) {
      const [fault] = this.faults.splice(faultIndex, 1);
      if (fault?.hang === true) return;
      if (fault !== undefined) {
        send(
          fault.status,
          { message: fault.message ?? 'API rate limit exceeded', documentation_url: docs },
          fault.headers,
        );
        return;
      }
    }
    if (page === 1) {
      this.listings += 1;
      this.onListing?.(this.listings, this);
    }

    const perPage = Math.min(o.maxPerPage, Math.max(1, Number(query.per_page ?? '30') || 30));
    const lastPage = Math.max(1, Math.ceil(this.runners.length / perPage));
    const slice = this.runners.slice((page - 1) * perPage, page * perPage);
    const linkBase = isRepo
      ? `/repositories/${REPOSITORY_ID}/actions/runners`
      : `/organizations/${ORGANIZATION_ID}/actions/runners`;
    const link = (n: number, rel: string): string =>
      `<${this.baseUrl}${linkBase}?per_page=${query.per_page ?? perPage}&page=${n}>; rel="${rel}"`;
    const links: string[] = [];
    if (page > 1) links.push(link(page - 1, 'prev'));
    if (page < lastPage) links.push(link(page + 1, 'next'), link(lastPage, 'last'));
    if (page > 1) links.push(link(1, 'first'));
    send(
      200,
      {
        total_count: this.runners.length,
        runners: slice.map((runner, index) => ({
          id: (page - 1) * perPage + index + 1,
          name: runner.name,
          os: 'macOS',
          status: runner.status ?? 'online',
          busy: runner.busy ?? false,
          ephemeral: false,
          labels: [
            { id: 1, name: 'self-hosted', type: 'read-only' },
            { id: 2, name: 'macOS', type: 'read-only' },
            { id: 3, name: 'ARM64', type: 'read-only' },
            ...runner.labels.map((name, labelIndex) => ({ id: 10 + labelIndex, name, type: 'custom' })),
          ],
        })),
      },
      links.length > 0 ? { link: links.join(', ') } : {},
    );
  }
}

/** `count` runners named `${prefix}-1`… carrying `labels`, all online and idle unless overridden. */
export function makeRunners(
  prefix: string,
  count: number,
  labels: string[],
  overrides: Partial<StandinRunner> = {},
): StandinRunner[] {
  return Array.from({ length: count }, (_, index) => ({
    name: `${prefix}-${index + 1}`,
    labels,
    ...overrides,
  }));
}
