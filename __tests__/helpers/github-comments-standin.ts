/**
 * A stand-in for GitHub's issue-comment endpoints on 127.0.0.1 (list with pagination, create, update),
 * answering as GitHub does: 401 for a wrong token, 403 when told the token is read-only (a fork's PR),
 * `Link` headers with absolute URLs, `html_url` on every comment.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A comment as the stand-in keeps it. */
export interface StandinComment {
  id: number;
  issue: number;
  body: string;
}

/** A request the stand-in received. */
export interface CommentRequest {
  method: string;
  path: string;
  query: Record<string, string>;
}

/** The stand-in server; start with `CommentsStandin.start()`, close in afterAll. */
export class CommentsStandin {
  readonly baseUrl: string;
  readonly requests: CommentRequest[] = [];
  comments: StandinComment[] = [];
  /** `read-only`: create and update answer 403, as for a fork's token. */
  access: 'write' | 'read-only' = 'write';
  private nextId = 1000;

  private constructor(
    private readonly server: Server,
    readonly owner: string,
    readonly repo: string,
    readonly token: string,
    private readonly perPageCap: number,
  ) {
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  static async start(
    options: { owner?: string; repo?: string; token?: string; perPageCap?: number } = {},
  ): Promise<CommentsStandin> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const standin = new CommentsStandin(
      server,
      options.owner ?? 'exo-explore',
      options.repo ?? 'bench',
      options.token ?? 'ghs_comment_token_0123456789',
      options.perPageCap ?? 100,
    );
    server.on('request', (request, response) => void standin.handle(request, response));
    return standin;
  }

  /** Adds a comment someone else wrote. */
  seed(issue: number, body: string): StandinComment {
    const comment = { id: this.nextId++, issue, body };
    this.comments.push(comment);
    return comment;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      this.server.close((error) => (error ? reject(error) : resolve())),
    );
  }

  private view(comment: StandinComment): Record<string, unknown> {
    return {
      id: comment.id,
      body: comment.body,
      html_url: `https://github.com/${this.owner}/${this.repo}/pull/${comment.issue}#issuecomment-${comment.id}`,
      user: { login: 'github-actions[bot]' },
    };
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.baseUrl);
    const query = Object.fromEntries(url.searchParams);
    this.requests.push({ method: request.method ?? 'GET', path: url.pathname, query });
    let text = '';
    for await (const chunk of request) text += String(chunk);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      response.end(JSON.stringify(body));
    };
    if (request.headers.authorization !== `token ${this.token}`) {
      send(401, { message: 'Bad credentials' });
      return;
    }
    const prefix = `/repos/${this.owner}/${this.repo}/issues`;
    const list = new RegExp(`^${prefix}/(\\d+)/comments$`).exec(url.pathname);
    const one = new RegExp(`^${prefix}/comments/(\\d+)$`).exec(url.pathname);
    const writing = request.method === 'POST' || request.method === 'PATCH';
    if (writing && this.access === 'read-only') {
      send(403, { message: 'Resource not accessible by integration' });
      return;
    }
    if (list && request.method === 'GET') {
      const issue = Number(list[1]);
      const all = this.comments.filter((comment) => comment.issue === issue);
      const perPage = Math.min(this.perPageCap, Number(query.per_page ?? 30));
      const page = Number(query.page ?? 1);
      const last = Math.max(1, Math.ceil(all.length / perPage));
      const headers: Record<string, string> =
        page < last
          ? {
              link: `<${this.baseUrl}${url.pathname}?per_page=${perPage}&page=${page + 1}>; rel="next", <${this.baseUrl}${url.pathname}?per_page=${perPage}&page=${last}>; rel="last"`,
            }
          : {};
      send(
        200,
        all.slice((page - 1) * perPage, page * perPage).map((c) => this.view(c)),
        headers,
      );
    } else if (list && request.method === 'POST') {
      const body = (JSON.parse(text) as { body: string }).body;
      send(201, this.view(this.seed(Number(list[1]), body)));
    } else if (one && request.method === 'PATCH') {
      const comment = this.comments.find((candidate) => candidate.id === Number(one[1]));
      if (!comment) {
        send(404, { message: 'Not Found' });
        return;
      }
      comment.body = (JSON.parse(text) as { body: string }).body;
      send(200, this.view(comment));
    } else {
      send(404, { message: 'Not Found' });
    }
  }
}
