/**
 * Credentials a run holds (an API key, a password in a URL) kept out of what others read: masked in
 * the logs through the shell's ports, redacted from text a server sent back (error bodies echo the key
 * they refused), and stripped from URLs written to results.
 */
import type { SecretMasks } from '../core/ports.js';

/** A URL fit for results and logs: user name and password removed (also from text that does not parse). */
export function withoutUserInfo(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/+$/, '');
  } catch {
    return url.replace(/\/\/[^/?#]*@/, '//');
  }
}

/** Secrets shorter than this are not redacted from text: replacing a 1-3 character string would garble it. */
export const MIN_REDACTED_SECRET_CHARS = 4;

/**
 * Replaces each secret in text that came from a server: an error body can echo the API key it refused
 * ("Incorrect API key provided: sk-…"), and records and results are files anyone with the artifact reads.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let redacted = text;
  for (const secret of secrets) redacted = redacted.split(secret).join('***');
  return redacted;
}

/** The password of a URL's user info, if any (it is a credential like the API key). */
export function urlPassword(url: string): string | undefined {
  try {
    const password = decodeURIComponent(new URL(url).password);
    return password === '' ? undefined : password;
  } catch {
    return undefined;
  }
}

/** The secrets of one run: each is masked as it is learnt and redacted from server text afterwards. */
export class SecretRedactor {
  private readonly secrets: string[] = [];

  constructor(private readonly masks: SecretMasks) {}

  /** Learns a secret (nothing for undefined or empty): masked in logs at once, redacted from now on. */
  add(secret: string | undefined): void {
    if (secret === undefined || secret === '') return;
    this.masks.mask?.(secret);
    this.masks.env?.mask(secret);
    if (secret.length >= MIN_REDACTED_SECRET_CHARS) this.secrets.push(secret);
  }

  /** True when there is something to redact (callers skip the work otherwise). */
  get any(): boolean {
    return this.secrets.length > 0;
  }

  /** The text with every known secret replaced by `***`. */
  redact(text: string): string {
    return redactSecrets(text, this.secrets);
  }
}
