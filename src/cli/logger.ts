/**
 * The command line's logger: lines on stderr, so stdout stays for results. The CLI needs no other port:
 * its output folder holds what the action would publish (summary.md, results.json, requests.jsonl).
 */
import type { Annotation, Logger } from '../ports.js';

/** Where CLI text goes; tests pass arrays. */
export interface CliStreams {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** The process's own streams. */
export const processStreams: CliStreams = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

function where(annotation: Annotation | undefined): string {
  if (!annotation?.file) return '';
  return annotation.startLine
    ? `${annotation.file}:${annotation.startLine}:${annotation.startColumn ?? 1}: `
    : `${annotation.file}: `;
}

/** A logger that writes time-stamped lines to stderr and replaces masked values. */
export class CliLogger implements Logger {
  private readonly secrets: string[] = [];

  constructor(
    private readonly streams: CliStreams,
    private readonly verbose = false,
  ) {}

  /** Never print this value again. */
  mask(value: string): void {
    if (value) this.secrets.push(value);
  }

  private write(prefix: string, message: string): void {
    let text = message;
    for (const secret of this.secrets) text = text.split(secret).join('***');
    this.streams.stderr(`${prefix}${text}\n`);
  }

  info(message: string): void {
    this.write('', message);
  }
  warning(message: string, annotation?: Annotation): void {
    this.write(`warning: ${where(annotation)}`, message);
  }
  error(message: string, annotation?: Annotation): void {
    this.write(`error: ${where(annotation)}`, message);
  }
  debug(message: string): void {
    if (this.verbose) this.write('debug: ', message);
  }
  async group<T>(name: string, fn: () => Promise<T>): Promise<T> {
    this.write('', `── ${name} ──`);
    return fn();
  }
}
