/**
 * The command line's logger: lines on stderr, so stdout stays for results. The CLI needs no other port:
 * its output folder holds what the action would publish (summary.md, results.json, requests.jsonl).
 */
import type { Annotation, Logger } from '../core/ports.js';

/** Where CLI text goes; tests pass arrays. */
export interface CliStreams {
  stdout(text: string): void;
  stderr(text: string): void;
  /** stderr is an interactive terminal: stage progress is drawn as a bar updated in place. */
  stderrIsTTY?: boolean;
}

/** The process's own streams. */
export const processStreams: CliStreams = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stderrIsTTY: process.stderr.isTTY === true,
};

/** The stage runner's progress line (src/load/stage.ts): `stage NAME: 18/30 sent, …`. */
const STAGE_PROGRESS = /^stage (.+?): (\d+)\/(\d+) sent, (.*)$/;
const BAR_WIDTH = 24;

/** `stage x [██████░░░░] 18/30 sent, …` for a terminal; undefined for any other line. */
export function progressBar(message: string): string | undefined {
  const match = STAGE_PROGRESS.exec(message);
  if (!match) return undefined;
  const sent = Number(match[2]);
  const total = Math.max(1, Number(match[3]));
  const filled = Math.min(BAR_WIDTH, Math.round((BAR_WIDTH * sent) / total));
  return `stage ${match[1]} [${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}] ${sent}/${match[3]} sent, ${match[4]}`;
}

function where(annotation: Annotation | undefined): string {
  if (!annotation?.file) return '';
  return annotation.startLine
    ? `${annotation.file}:${annotation.startLine}:${annotation.startColumn ?? 1}: `
    : `${annotation.file}: `;
}

/**
 * A logger that writes lines to stderr and replaces masked values. On a terminal, stage progress lines
 * become one bar redrawn in place (periodic lines otherwise, e.g. in CI logs and pipes).
 */
export class CliLogger implements Logger {
  private readonly secrets: string[] = [];
  /** A progress bar is on the terminal's last line (no newline after it yet). */
  private barShown = false;

  constructor(
    private readonly streams: CliStreams,
    private readonly verbose = false,
  ) {}

  /** Never print this value again. */
  mask(value: string): void {
    if (value) this.secrets.push(value);
  }

  private maskSecrets(message: string): string {
    let text = message;
    for (const secret of this.secrets) text = text.split(secret).join('***');
    return text;
  }

  private write(prefix: string, message: string): void {
    // Keep the last state of a bar on screen: the next line starts below it.
    const lead = this.barShown ? '\n' : '';
    this.barShown = false;
    this.streams.stderr(`${lead}${prefix}${this.maskSecrets(message)}\n`);
  }

  info(message: string): void {
    const bar = this.streams.stderrIsTTY ? progressBar(message) : undefined;
    if (bar !== undefined) {
      this.streams.stderr(`\r\x1b[2K${this.maskSecrets(bar)}`);
      this.barShown = true;
      return;
    }
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
